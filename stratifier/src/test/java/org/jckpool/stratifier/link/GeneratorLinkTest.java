package org.jckpool.stratifier.link;

import org.jckpool.stratifier.share.SolutionOutcome;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator stream against a fake generator socket: late start, templates, submitblock, reconnect. */
class GeneratorLinkTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private GeneratorLink link;
    private final List<JsonNode> atGenerator = new CopyOnWriteArrayList<>();
    private final List<FrameStream> streams = new CopyOnWriteArrayList<>();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private final GeneratorListener listener = new GeneratorListener() {
        @Override
        public void template(JsonNode template, String node, String reason) {
            heard.add("template " + template.path("height").asLong() + " " + reason);
        }

        @Override
        public void nodeStatus(JsonNode params) {
            heard.add("status " + params.path("active").asText());
        }

        @Override
        public void blockResult(BlockSubmission s, SolutionOutcome outcome, boolean confirmed, String reason,
                                String node) {
            heard.add("result " + s.hash() + " " + s.height() + " " + outcome.label() + " " + reason
                    + (confirmed ? " confirmed" : ""));
        }
    };

    private void startGenerator() throws Exception {
        server = ControlServer.open(dir.resolve("generator"), r -> null).onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onOpen(FrameStream s) {
                streams.add(s);
                s.send("{\"method\":\"node.status\",\"params\":{\"active\":\"http://n1\",\"nodes\":[]}}");
                s.send("{\"method\":\"template\",\"params\":{\"node\":\"n1\",\"reason\":\"start\","
                        + "\"template\":{\"height\":5}}}");
            }

            @Override
            public void onFrame(FrameStream s, byte[] frame) {
                atGenerator.add(Json.parseOrNull(Frames.text(frame)));
            }

            @Override
            public void onClose(FrameStream s, Throwable cause) {
                streams.remove(s);
            }
        });
    }

    private static boolean waitFor(BooleanSupplier c) throws Exception {
        return Await.within(8000, c::getAsBoolean);
    }

    @Test
    void connectsLateDeliversTemplatesSubmitsAndReconnects() throws Exception {
        link = new GeneratorLink(dir.resolve("generator"), listener).start();
        // a block solved before the generator is up waits for the stream
        link.submit("00ff", "hash1", 5);
        assertThat(Await.holdsFor(300, () -> !link.connected())).as("no generator yet").isTrue();
        startGenerator();
        assertThat(waitFor(() -> heard.contains("template 5 start"))).as("%s", heard).isTrue();
        assertThat(heard).contains("status http://n1");
        assertThat(waitFor(() -> atGenerator.size() >= 2)).isTrue();
        assertThat(atGenerator.get(0).path("method").asText()).isEqualTo("update");
        JsonNode submit = atGenerator.get(1);
        assertThat(submit.path("method").asText()).isEqualTo("submitblock");
        assertThat(submit.path("params").path("hex").asText()).isEqualTo("00ff");
        assertThat(submit.path("params").path("hash").asText()).isEqualTo("hash1");
        assertThat(submit.path("params").path("height").asLong()).isEqualTo(5);
        assertThat(link.pendingBlocks()).isEqualTo(1);

        streams.get(0).send("{\"method\":\"submitblock.result\",\"id\":" + submit.path("id").asLong()
                + ",\"result\":{\"accepted\":true,\"reason\":null,\"node\":\"n1\",\"confirmed\":true}}");
        assertThat(waitFor(() -> heard.contains("result hash1 5 accepted null confirmed"))).as("%s", heard).isTrue();
        assertThat(link.pendingBlocks()).isZero();
        link.submit("01ff", "hash2", 6);
        assertThat(waitFor(() -> atGenerator.size() >= 3)).isTrue();
        JsonNode second = atGenerator.get(2);
        streams.get(0).send("{\"method\":\"submitblock.result\",\"id\":" + second.path("id").asLong()
                + ",\"result\":{\"accepted\":false,\"outcome\":\"lost\",\"reason\":\"no answer\",\"node\":null}}");
        assertThat(waitFor(() -> heard.contains("result hash2 6 lost no answer"))).as("%s", heard).isTrue();
        // an answer nobody asked for is ignored
        streams.get(0).send("{\"method\":\"submitblock.result\",\"id\":999,\"result\":{\"accepted\":true}}");
        streams.get(0).send("not json");

        assertThat(link.requestUpdate()).isTrue();
        assertThat(waitFor(() -> atGenerator.size() >= 4)).isTrue();
        assertThat(atGenerator.get(3).path("method").asText()).isEqualTo("update");

        // the generator drops the stream: the link comes back by itself (counted from here: on a busy machine
        // the link's first attempt can land before the test generator has its stream handler, and be refused)
        long connectsBefore = link.connects();
        streams.get(0).close();
        assertThat(waitFor(() -> link.connects() == connectsBefore + 1 && link.connected())).isTrue();
        assertThat(waitFor(() -> heard.stream().filter(h -> h.startsWith("template")).count() == 2)).isTrue();
    }

    @Test
    void anAcknowledgedBlockIsStillSentAgainAfterAReconnectUntilItsResultComes() throws Exception {
        startGenerator();
        link = new GeneratorLink(dir.resolve("generator"), listener).start();
        assertThat(waitFor(link::connected)).isTrue();
        link.submit("00ff", "hash1", 5);
        assertThat(waitFor(() -> atGenerator.stream().anyMatch(m -> m.path("method").asText().equals("submitblock"))))
                .isTrue();
        long id = atGenerator.stream().filter(m -> m.path("method").asText().equals("submitblock")).findFirst()
                .orElseThrow().path("id").asLong();
        assertThat(link.unacknowledgedBlocks()).isEqualTo(1);
        streams.get(0).send("{\"method\":\"submitblock.received\",\"id\":" + id + ",\"hash\":\"hash1\"}");
        assertThat(waitFor(() -> link.unacknowledgedBlocks() == 0)).isTrue();
        assertThat(link.pendingBlocks()).isEqualTo(1);

        // the generator dies before it submitted: the block goes to the next one
        atGenerator.clear();
        long connectsBefore = link.connects();
        streams.get(0).close();
        assertThat(waitFor(() -> link.connects() == connectsBefore + 1)).isTrue();
        assertThat(waitFor(() -> atGenerator.stream().anyMatch(m -> m.path("method").asText().equals("submitblock")
                && m.path("params").path("hash").asText().equals("hash1")))).as("%s", atGenerator).isTrue();

        // a result naming the hash matches even under another id (sent to the stream of a restarted stratifier)
        streams.get(streams.size() - 1).send("{\"method\":\"submitblock.result\",\"id\":1,\"hash\":\"hash1\","
                + "\"result\":{\"accepted\":true,\"outcome\":\"accepted\",\"node\":\"n1\"}}");
        assertThat(waitFor(() -> heard.contains("result hash1 5 accepted null"))).as("%s", heard).isTrue();
        assertThat(link.pendingBlocks()).isZero();
        assertThat(link.unacknowledgedBlocks()).isZero();
    }
}
