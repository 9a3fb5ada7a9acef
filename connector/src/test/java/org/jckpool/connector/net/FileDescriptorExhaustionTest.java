package org.jckpool.connector.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real descriptor exhaustion: this JVM opens /dev/null until the process limit is hit, so the connector's
 * accept() fails with "Too many open files". The connector must pause accepting, keep serving its client, and
 * accept the waiting connection once descriptors are free again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileDescriptorExhaustionTest {
    private static final int MAX_HOG = 200_000;

    @Test
    void acceptFailsForLackOfDescriptorsThenRecovers() throws Exception {
        RecordingClientEventSink upstream = new RecordingClientEventSink();
        ConnectorSettings settings = ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0")))
                .withAcceptPause(Duration.ofMillis(200)).withHousekeepingInterval(Duration.ofMillis(50));
        List<FileChannel> hog = new ArrayList<>();
        try (ConnectorServer server = ConnectorServer.start(settings, upstream, true, List.of());
             TestClient existing = new TestClient(server.boundAddresses().get(0));
             SocketChannel waiting = SocketChannel.open()) {
            InetSocketAddress address = server.boundAddresses().get(0);
            long id = upstream.next("C").id();
            // Load every class used below now: loading one from a directory needs a descriptor.
            server.send(id, "warm-up".getBytes(StandardCharsets.UTF_8));
            assertThat(existing.readLine()).isEqualTo("warm-up");
            assertThat(server.stats().acceptFailures()).isZero();
            boolean exhausted = false;
            try {
                while (hog.size() < MAX_HOG) {
                    hog.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
                }
            } catch (IOException e) {
                exhausted = true;
            }
            try {
                if (!exhausted) {
                    System.out.println("descriptor limit above " + MAX_HOG + ": real exhaustion assertion skipped "
                            + "(ConnectorServerTest covers it with an injected accept failure)");
                    return;
                }
                // Leave none free for the connector: the socket below already has its descriptor.
                waiting.connect(address);
                Await.until("a failed accept", () -> server.stats().acceptFailures() > 0);
                server.send(id, "still served".getBytes(StandardCharsets.UTF_8));
                assertThat(existing.readLine()).isEqualTo("still served");
            } finally {
                for (int i = 0; i < Math.min(100, hog.size()); i++) {
                    hog.remove(hog.size() - 1).close();
                }
            }
            RecordingClientEventSink.Event accepted = upstream.next("C");
            assertThat(accepted.port()).isEqualTo(((InetSocketAddress) waiting.getLocalAddress()).getPort());
            assertThat(server.clientCount()).isEqualTo(2);
        } finally {
            for (FileChannel c : hog) {
                c.close();
            }
        }
    }
}
