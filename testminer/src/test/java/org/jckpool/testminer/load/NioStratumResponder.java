package org.jckpool.testminer.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jckpool.testminer.FakePool;
import org.jckpool.testminer.stratum.LineBuffer;

/**
 * A minimal single-thread NIO Stratum responder for scale checks with thousands of connections (FakePool uses a
 * thread per connection): subscribe → unique extranonce1, authorize → true + set_difficulty + the vector (c) job,
 * submit → error 23 without checking, anything else → true. {@link #broadcastClean(String)} sends a clean job
 * with a new prevhash to every connection.
 */
public final class NioStratumResponder implements Runnable, AutoCloseable {
    private final Selector selector = Selector.open();
    private final ServerSocketChannel server = ServerSocketChannel.open();
    private final List<SocketChannel> clients = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> broadcasts = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean closed;
    private int nextEn1 = 1;

    public NioStratumResponder(int port) throws IOException {
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    /** Serves on the given port (0 = any, printed) until killed; for trying the launcher by hand. */
    public static void main(String[] args) throws Exception {
        NioStratumResponder r = new NioStratumResponder(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        System.out.println("listening on 127.0.0.1:" + r.port());
        r.run();
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    public void broadcastClean(String prevHash) {
        broadcasts.add(FakePool.vectorC().withId(prevHash.substring(8, 12)).withPrevHash(prevHash).notifyLine(true));
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!closed) {
                selector.select(50);
                for (SelectionKey k : selector.selectedKeys()) {
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        SocketChannel c;
                        while ((c = server.accept()) != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ, new LineBuffer(64 * 1024));
                            clients.add(c);
                        }
                    } else if (k.isReadable()) {
                        read(k);
                    }
                }
                selector.selectedKeys().clear();
                String b;
                while ((b = broadcasts.poll()) != null) {
                    for (SocketChannel c : clients) {
                        send(c, b);
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("responder failed: " + e);
        }
    }

    private void read(SelectionKey k) {
        SocketChannel c = (SocketChannel) k.channel();
        LineBuffer lines = (LineBuffer) k.attachment();
        try {
            buf.clear();
            int n = c.read(buf);
            if (n < 0) {
                k.cancel();
                c.close();
                clients.remove(c);
                return;
            }
            buf.flip();
            lines.feed(buf);
            String line;
            while ((line = lines.poll()) != null) {
                answer(c, line);
            }
        } catch (IOException e) {
            k.cancel();
            clients.remove(c);
        }
    }

    private void answer(SocketChannel c, String line) {
        String id = idOf(line);
        if (line.contains("\"mining.subscribe\"")) {
            send(c, "{\"id\":" + id + ",\"result\":[[[\"mining.notify\",\"x\"]],\"" + String.format("%08x", nextEn1++)
                    + "\",4],\"error\":null}");
        } else if (line.contains("\"mining.authorize\"")) {
            send(c, "{\"id\":" + id + ",\"result\":true,\"error\":null}");
            send(c, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1]}");
            send(c, FakePool.vectorC().notifyLine(true));
        } else if (line.contains("\"mining.submit\"")) {
            send(c, "{\"id\":" + id + ",\"result\":null,\"error\":[23,\"Low difficulty share\",null]}");
        } else {
            send(c, "{\"id\":" + id + ",\"result\":true,\"error\":null}");
        }
    }

    private static String idOf(String line) {
        int i = line.indexOf("\"id\":");
        int j = line.indexOf(',', i);
        return i < 0 || j < 0 ? "null" : line.substring(i + 5, j);
    }

    /** Best effort: the load generator reads promptly, so a short write is not expected here. */
    private void send(SocketChannel c, String line) {
        try {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                if (c.write(b) == 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            clients.remove(c);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        selector.wakeup();
        server.close();
        for (SocketChannel c : clients) {
            c.close();
        }
    }
}
