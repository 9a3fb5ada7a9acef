package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.Authoriser;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A remote's miners authorised by the main pool, in ckpool's auth / auth.result forms; locally when it is away. */
class UpstreamAuthoriserTest {
    final List<ObjectNode> up = new CopyOnWriteArrayList<>();
    final List<Authoriser.Decision> decisions = new CopyOnWriteArrayList<>();
    volatile boolean connected = true;
    UpstreamAuthoriser auth;

    final List<String> drops = new CopyOnWriteArrayList<>();

    UpstreamAuthoriser start(long waitMillis) {
        auth = new UpstreamAuthoriser(msg -> {
            if (!connected) {
                return false;
            }
            up.add(msg);
            return true;
        }, waitMillis);
        auth.dropWith((id, why) -> drops.add(id + " " + why));
        return auth;
    }

    @AfterEach
    void stop() {
        if (auth != null) {
            auth.close();
        }
    }

    static Authoriser.Request request(String worker) {
        return new Authoriser.Request(77, worker.substring(0, worker.indexOf('.')), worker, "bmminer/2.0",
                "198.51.100.4:50123", "secret", "2", "0a0b0c0d");
    }

    @Test
    void theAuthGoesUpInCkpoolsFormAndTheMainPoolsAnswerDecides() {
        start(60_000);
        auth.authorise(request("alice.rig"), decisions::add);
        assertThat(up).hasSize(1);
        // ckpool's upstream_auth: the miner's params and id, method "auth", then useragent, enonce1, address
        // (the IP alone) and the remote's clientid for the miner
        assertThat(up.get(0).toString()).isEqualTo("{\"params\":[\"alice.rig\",\"secret\"],\"id\":2,"
                + "\"method\":\"auth\",\"useragent\":\"bmminer/2.0\",\"enonce1\":\"0a0b0c0d\","
                + "\"address\":\"198.51.100.4\",\"clientid\":1}");
        assertThat(decisions).as("the miner waits for the main pool").isEmpty();

        // what a ckpool main pool writes back: the authorize reply, method auth.result, client_id = clientid
        assertThat(auth.result(Json.parseOrNull("{\"result\":true,\"error\":null,\"id\":2,"
                + "\"method\":\"auth.result\",\"client_id\":1}"))).isTrue();
        assertThat(decisions).containsExactly(Authoriser.Decision.allow(0));

        auth.authorise(request("mallory.rig"), decisions::add);
        long second = up.get(1).path("clientid").asLong();
        assertThat(second).isEqualTo(2);
        auth.result(Json.parseOrNull(RemoteProtocol.authResult(com.fasterxml.jackson.databind.node.IntNode.valueOf(2), second, false,
                "Unknown user")));
        assertThat(decisions.get(1)).isEqualTo(Authoriser.Decision.refuse("Unknown user"));
        assertThat(auth.result(Json.parseOrNull("{\"result\":true,\"id\":2,\"method\":\"auth.result\","
                + "\"client_id\":2}"))).as("answered once only").isFalse();
        assertThat(drops).isEmpty();
        assertThat(auth.json().toString()).isEqualTo("{\"upstream_allowed\":1,\"upstream_refused\":1,"
                + "\"local\":0,\"unconfirmed\":0,\"refused_later\":0,\"waiting\":0}");
    }

    @Test
    void whileTheMainPoolIsUnreachableTheWorkerIsAuthorisedHere() {
        start(60_000);
        connected = false;
        auth.authorise(request("alice.rig"), decisions::add);
        assertThat(decisions).containsExactly(Authoriser.Decision.allow(0));
        assertThat(up).isEmpty();
        assertThat(auth.json().path("local").asLong()).isEqualTo(1);
    }

    @Test
    void aMainPoolThatDoesNotAnswerInTimeLeavesTheDecisionHereAndItsLateRefusalDropsTheMiner() throws Exception {
        start(200);
        auth.authorise(request("alice.rig"), decisions::add);
        Await.until("decided here", () -> decisions.size() == 1);
        assertThat(decisions).containsExactly(Authoriser.Decision.allow(0));
        assertThat(auth.result(Json.parseOrNull("{\"result\":false,\"error\":\"Unknown user\",\"id\":2,"
                + "\"method\":\"auth.result\",\"client_id\":1}"))).isTrue();
        assertThat(decisions).as("the miner was answered once").hasSize(1);
        assertThat(drops).containsExactly("77 refused by the main pool: Unknown user");
    }

    @Test
    void workersAuthorisedHereAreAskedAgainOnceTheMainPoolIsBackAndARefusedOneIsDropped() {
        start(60_000);
        connected = false;
        auth.authorise(request("alice.rig"), decisions::add);
        auth.authorise(new Authoriser.Request(78, "bob", "bob.rig", "", "10.0.0.2:1", "x", "5", ""),
                decisions::add);
        assertThat(decisions).hasSize(2);
        assertThat(auth.json().path("unconfirmed").asLong()).isEqualTo(2);
        auth.reconcile();
        assertThat(up).as("still away: nothing sent").isEmpty();

        connected = true;
        auth.reconcile();
        assertThat(up).extracting(m -> m.path("clientid").asLong()).containsExactly(1L, 2L);
        assertThat(up.get(1).path("params").path(0).asText()).isEqualTo("bob.rig");
        auth.result(Json.parseOrNull(RemoteProtocol.authResult(null, 1, true, null)));
        auth.result(Json.parseOrNull(RemoteProtocol.authResult(null, 2, false, "No such user")));
        assertThat(drops).containsExactly("78 refused by the main pool: No such user");
        assertThat(auth.json().toString()).isEqualTo("{\"upstream_allowed\":0,\"upstream_refused\":0,"
                + "\"local\":2,\"unconfirmed\":0,\"refused_later\":1,\"waiting\":0}");
        auth.reconcile();
        assertThat(up).as("nothing left to ask").hasSize(2);
    }
}
