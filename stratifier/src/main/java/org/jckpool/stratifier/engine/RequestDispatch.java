package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.StratumLineParser;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.libpool.stratum.StratumProtocolException;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Replies;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's lines into requests and each request to the part that answers it: subscribe here, authorize to the
 * {@link AuthorisationFlow} (requests arriving meanwhile are held), configure and suggest_difficulty to the
 * {@link ConfigureNegotiation}, submit to the {@link ShareAccounting}. An unparsable line drops the client.
 */
final class RequestDispatch {
    private final ClientOutbound out;
    private final InstantSource clock;
    private final SessionRegistry sessions;
    private final WorkDistribution work;
    private final ConnectionLife life;
    private final AtomicLong stateChanges;
    private final StratumLineParser parser = new StratumLineParser(StratumLineParser.REQUEST_LINE_LIMIT);
    private final AuthorisationFlow auth;
    private final ConfigureNegotiation negotiation;
    private final ShareAccounting shares;

    RequestDispatch(ClientOutbound out, InstantSource clock, SessionRegistry sessions, WorkDistribution work,
                    ConnectionLife life, AtomicLong stateChanges, AuthorisationFlow auth,
                    ConfigureNegotiation negotiation, ShareAccounting shares) {
        this.out = out;
        this.clock = clock;
        this.sessions = sessions;
        this.work = work;
        this.life = life;
        this.stateChanges = stateChanges;
        this.auth = auth;
        this.negotiation = negotiation;
        this.shares = shares;
    }

    void line(long clientId, String line) {
        ClientSession s = sessionOfLine(clientId);
        if (s == null) {
            return;
        }
        try {
            request(s, parser.parse(line));
        } catch (StratumProtocolException e) {
            invalidMessage(s, e);
        }
    }

    void line(long clientId, byte[] buf, int off, int len) {
        ClientSession s = sessionOfLine(clientId);
        if (s == null) {
            return;
        }
        try {
            request(s, parser.parse(buf, off, len));
        } catch (StratumProtocolException e) {
            invalidMessage(s, e);
        }
    }

    private ClientSession sessionOfLine(long clientId) {
        ClientSession s = sessions.get(clientId);
        if (s == null) {
            Log.debug("line from unknown client %s ignored", clientId);
        }
        return s;
    }

    private void invalidMessage(ClientSession s, StratumProtocolException e) {
        Log.info("client %s (%s) sent an invalid message, dropping: %s", s.clientId, s.address,
                e.getMessage());
        out.send(s.clientId, Replies.error("null", "null", 20, "Invalid JSON"));
        life.drop(s, "invalid json: " + e.getMessage());
    }

    private void request(ClientSession s, StratumMessage req) {
        if (req.method() == null) {
            return; // a reply to something we sent (client.get_version and the like)
        }
        synchronized (s) {
            if (s.dropped()) {
                return;
            }
            if (s.authPending()) {
                if (!s.hold(req, StratumEngine.MAX_HELD_REQUESTS)) {
                    Log.info("client %s (%s) sent over %s requests while being authorised, dropping",
                            s.clientId, s.address, StratumEngine.MAX_HELD_REQUESTS);
                    life.drop(s, "too many requests while authorising");
                }
                return;
            }
            handle(s, req);
        }
    }

    /** One request of a connection, under its monitor. */
    void handle(ClientSession s, StratumMessage req) {
        switch (req.method()) {
            case "mining.submit" -> shares.submit(s, req);
            case "mining.subscribe" -> subscribe(s, req);
            case "mining.authorize" -> auth.authorize(s, req);
            case "mining.configure" -> negotiation.configure(s, req);
            case "mining.suggest_difficulty" -> negotiation.suggestDifficulty(s, req);
            case "mining.passthrough" -> life.passthrough(s);
            case "mining.node" -> life.node(s);
            case "mining.extranonce.subscribe" -> {
                s.extranonceSubscribed(true);
                out.send(s.clientId, Replies.ok(req.idJson()));
            }
            default -> out.send(s.clientId, Replies.error(req.idJson(), "null", 20,
                    "Method not supported: " + req.method()));
        }
    }

    private void subscribe(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        if (!s.isSubscribed()) {
            String agent = req.string(0);
            long en1 = sessions.resumeExtranonce1(req.string(1), now);
            if (en1 < 0) {
                en1 = sessions.allocateExtranonce1();
            } else {
                Log.info("client %s resumed session %s", s.clientId, req.string(1));
            }
            s.subscribed(en1, sessions.extranonceBytes(en1), agent);
            stateChanges.incrementAndGet();
        }
        String sid = Replies.quote(s.extranonce1Hex());
        out.send(s.clientId, Replies.result(req.idJson(), "[[[\"mining.set_difficulty\"," + sid
                + "],[\"mining.notify\"," + sid + "]]," + sid + "," + work.nonce2Length() + "]"));
        out.subscribed(s.clientId);
        work.afterSubscribe(s, now);
    }
}
