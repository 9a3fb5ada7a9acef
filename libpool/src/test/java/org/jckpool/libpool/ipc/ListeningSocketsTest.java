package org.jckpool.libpool.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

import org.jckpool.libpool.net.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListeningSocketsTest {
    @TempDir
    Path dir;

    @Test
    void getxfdHandsOverSocketsThatOutliveTheirFirstHolder() throws IOException {
        assertThat(NioDescriptors.available()).as(NioDescriptors.problem()).isTrue();
        ListeningSockets held = ListeningSockets.bind(List.of(new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0)));
        int port0 = ((InetSocketAddress) held.channels().get(0).getLocalAddress()).getPort();
        Path sock = dir.resolve("listener");
        try (ControlServer server = ControlServer.open(sock, new CommandTable().text("ping", r -> "pong"))
                .onDescriptorRequest(ListeningSockets.GETXFD, r -> held.describe())) {
            assertThat(ControlClient.request(sock, "ping", 2000)).contains("pong");
            ListeningSockets got = ListeningSockets.fetch(sock, 2000);
            assertThat(got.channels()).hasSize(2);
            assertThat(got.urls()).containsExactly("127.0.0.1:0", "127.0.0.1:0");
            assertThat(((InetSocketAddress) got.channels().get(0).getLocalAddress()).getPort()).isEqualTo(port0);
            held.close(); // the first holder goes: the received copies keep the socket listening
            try (Socket client = new Socket("127.0.0.1", port0)) {
                ServerSocketChannel ch = got.channels().get(0);
                try (SocketChannel accepted = ch.accept()) {
                    assertThat(accepted.getRemoteAddress()).isEqualTo(client.getLocalSocketAddress());
                }
            }
            got.close();
        }
    }

    @Test
    void aProcessHoldingNoneAnswersAnEmptyList() throws IOException {
        Path sock = dir.resolve("listener");
        try (ControlServer server = ControlServer.open(sock, new CommandTable())
                .onDescriptorRequest(ListeningSockets.GETXFD, r -> ListeningSockets.none().describe())) {
            assertThat(ListeningSockets.fetch(sock, 2000).isEmpty()).isTrue();
        }
    }
}
