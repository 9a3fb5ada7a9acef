package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.EngineHarness;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proxy mode: the stratifier tells the generator the miners' fixed extranonce layout ({@code upstream.layout}) when
 * the stream opens and when work announces a smaller layout room, so that a scheduling proxy never makes active
 * an upstream whose work would be refused here.
 */
class LayoutReportTest {
    static final String PREV = "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000";
    static final String COINB1 = "01000000" + "01" + "0".repeat(64) + "ffffffff" + "10" + "022c01";
    static final String COINB2 = "ffffffff0100f2052a010000001976a914000000000000000000000000000000000000000088ac00000000";

    @TempDir
    Path dir;
    private ControlServer server;
    private GeneratorLink link;
    private final List<JsonNode> layouts = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode work(int extranonce2Size, int room) {
        return Json.parseOrNull("{\"upstream\":0,\"url\":\"up:1\",\"generation\":1,\"extranonce1\":\"aabbccdd\","
                + "\"extranonce2_size\":" + extranonce2Size + (room > 0 ? ",\"layout_extranonce2_size\":" + room : "")
                + ",\"difficulty\":1,\"version_mask\":\"1fffe000\",\"clean\":true,\"notify\":[\"j\",\"" + PREV
                + "\",\"" + COINB1 + "\",\"" + COINB2 + "\",[],\"20000000\",\"207fffff\",\""
                + String.format("%08x", Vectors.C_TIME) + "\",true]}");
    }

    @Test
    void theFixedLayoutGoesToTheGeneratorOnEachOpenAndWhenWorkAnnouncesLess() throws Exception {
        server = ControlServer.open(dir.resolve("generator"), r -> null).onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] frame) {
                JsonNode msg = Json.parseOrNull(Frames.text(frame));
                if (msg != null && "upstream.layout".equals(Json.text(msg, "method"))) {
                    layouts.add(msg.path("params"));
                }
            }
        });
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        h.engine.onUpstreamWork(work(8, 6)); // the layout: 6 bytes of room (2 carved, 4 for the miners)
        UpstreamRelay[] relay = new UpstreamRelay[1];
        link = new GeneratorLink(dir.resolve("generator"), new QuietGeneratorListener() {
            @Override
            public void streamOpened() {
                relay[0].reportLayout();
            }
        });
        relay[0] = new UpstreamRelay(link, h.engine);
        link.start();
        Await.until("the layout reported on open", () -> layouts.size() == 1);
        assertThat(layouts.get(0).path("extranonce2_size").asInt()).isEqualTo(6);

        relay[0].checkAnnouncedLayout(work(8, 6));
        relay[0].checkAnnouncedLayout(work(8, 8));
        relay[0].checkAnnouncedLayout(work(8, 0)); // failover mode announces none
        relay[0].checkAnnouncedLayout(work(4, 4)); // a generator that started after us: less than we have
        Await.until("the layout reported again", () -> layouts.size() >= 2);
        // frames arrive in order: a report for any of the first three would have come before this one
        assertThat(layouts).hasSize(2);
        assertThat(layouts.get(1).path("extranonce2_size").asInt()).isEqualTo(6);
        relay[0].checkAnnouncedLayout(work(4, 4));
        Await.until("and again while it announces less", () -> layouts.size() == 3);
    }
}
