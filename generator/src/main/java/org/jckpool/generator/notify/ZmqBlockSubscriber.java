package org.jckpool.generator.notify;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.generator.work.TemplateFetcher;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.log.Log;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Subscribes to bitcoind's ZMQ {@code hashblock} topic ({@code zmqblock}). Each message is three frames: topic,
 * the 32-byte block hash (RPC order), and a 4-byte little-endian sequence number; a gap in the sequence means
 * notifications were lost and is logged. Every hashblock triggers a "newblock" template fetch. ZMQ reconnects the
 * TCP link by itself; if the socket fails it is rebuilt after a pause. One thread owns the socket.
 *
 * <p>The ZMTP handshake is bounded at {@link #HANDSHAKE_MS}, not jeromq's 30 s: on a loaded machine jeromq (0.6.0)
 * sometimes leaves a connection it has just opened out of its poller (it appears to find the connecter's cancelled
 * selection key when the engine registers the same channel). That connection neither sends its greeting nor reads
 * the publisher's, so every hashblock is lost until the handshake timer drops it and ZMQ reconnects. Seen as the
 * subscriber's socket ESTABLISHED with the publisher's 10-byte signature unread and an idle I/O thread.
 */
public final class ZmqBlockSubscriber implements AutoCloseable {
    private static final byte[] TOPIC = "hashblock".getBytes(StandardCharsets.US_ASCII);
    private static final int RECEIVE_TIMEOUT_MS = 250;
    /** A ZMTP handshake takes milliseconds; one stalled longer is dropped and the link reconnected. */
    static final int HANDSHAKE_MS = 3000;

    private final String endpoint;
    private final TemplateFetcher fetcher;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;
    private long expectedSeq = -1;

    public ZmqBlockSubscriber(String endpoint, TemplateFetcher fetcher) {
        this.endpoint = endpoint;
        this.fetcher = fetcher;
    }

    public void start() {
        thread = new Thread(this::run, "generator-zmq");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try (ZContext ctx = new ZContext()) {
                ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
                sub.setLinger(0);
                sub.setReceiveTimeOut(RECEIVE_TIMEOUT_MS);
                sub.setReconnectIVL(100);
                sub.setReconnectIVLMax(5000);
                sub.setHandshakeIvl(HANDSHAKE_MS);
                sub.subscribe(TOPIC);
                sub.connect(endpoint);
                Log.notice("ZMQ: subscribed to hashblock at %s", endpoint);
                while (running) {
                    byte[] topic = sub.recv();
                    if (topic == null) {
                        continue;
                    }
                    byte[][] parts = readRest(sub);
                    handle(topic, parts);
                }
            } catch (ZMQException | IllegalStateException e) {
                if (running) {
                    Log.warning("ZMQ: hashblock socket at %s failed (%s), reconnecting in 1 s", endpoint, e);
                    sleep(1000);
                }
            } catch (RuntimeException e) {
                if (running) {
                    Log.err("ZMQ: unexpected failure on %s (%s), reconnecting in 1 s", endpoint, e);
                    sleep(1000);
                }
            }
        }
    }

    private static byte[][] readRest(ZMQ.Socket sub) {
        byte[][] parts = new byte[2][];
        int i = 0;
        while (sub.hasReceiveMore()) {
            byte[] p = sub.recv();
            if (i < parts.length) {
                parts[i] = p;
            }
            i++;
        }
        return parts;
    }

    /** Checks one message (topic + body + sequence) and asks for a template; public for tests. */
    public void handle(byte[] topic, byte[][] parts) {
        if (!java.util.Arrays.equals(topic, TOPIC)) {
            return;
        }
        byte[] hash = parts.length > 0 ? parts[0] : null;
        byte[] seq = parts.length > 1 ? parts[1] : null;
        if (hash == null || hash.length != 32) {
            Log.warning("ZMQ: malformed hashblock message (hash of %d bytes), ignored",
                    hash == null ? 0 : hash.length);
            return;
        }
        received.incrementAndGet();
        if (seq != null && seq.length == 4) {
            long s = (seq[0] & 0xffL) | (seq[1] & 0xffL) << 8 | (seq[2] & 0xffL) << 16 | (seq[3] & 0xffL) << 24;
            if (expectedSeq >= 0 && s != expectedSeq) {
                if (s == 0) {
                    Log.notice("ZMQ: hashblock sequence restarted at 0 (bitcoind restarted?)");
                } else if (s > expectedSeq) {
                    dropped.addAndGet(s - expectedSeq);
                    Log.warning("ZMQ: missed %d hashblock notification(s) (got sequence %d, expected %d)",
                            s - expectedSeq, s, expectedSeq);
                } else {
                    Log.warning("ZMQ: hashblock sequence went back from %d to %d", expectedSeq - 1, s);
                }
            }
            expectedSeq = (s + 1) & 0xffffffffL;
        } else {
            Log.warning("ZMQ: hashblock message without a 4-byte sequence number");
        }
        Log.notice("ZMQ: hashblock %s", Hex.encode(hash));
        fetcher.request(FetchedTemplate.NEWBLOCK);
    }

    public long received() {
        return received.get();
    }

    /** Notifications known lost from gaps in the sequence numbers. */
    public long dropped() {
        return dropped.get();
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
