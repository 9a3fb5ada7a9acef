package org.jckpool.simnode.notify;

import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Core's {@code -zmqpubhashblock}: a PUB socket sending three frames per new tip — topic {@code hashblock},
 * the 32-byte hash in RPC (display) order, and a 4-byte little-endian sequence number starting at 0.
 * All socket work happens on one thread because ZMQ sockets are not thread-safe.
 */
public final class ZmqHashBlockPublisher implements TipListener, AutoCloseable {
    private static final byte[] TOPIC = "hashblock".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "simnode-zmq");
        t.setDaemon(true);
        return t;
    });
    private final ZContext context = new ZContext();
    private final ZMQ.Socket socket;
    private final String boundEndpoint;
    private int sequence;

    /** Binds the endpoint (e.g. tcp://127.0.0.1:28332, or tcp://127.0.0.1:* for a free port); throws if it cannot. */
    public ZmqHashBlockPublisher(String endpoint) {
        try {
            socket = thread.submit(() -> {
                ZMQ.Socket s = context.createSocket(SocketType.PUB);
                s.setLinger(0);
                s.setSndHWM(1000);
                s.bind(endpoint);
                return s;
            }).get();
            boundEndpoint = thread.submit(socket::getLastEndpoint).get();
        } catch (Exception e) {
            close();
            throw new IllegalArgumentException("cannot bind ZMQ endpoint " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** The endpoint as bound: with a wildcard port, the port the system chose. */
    public String endpoint() {
        return boundEndpoint;
    }

    @Override
    public void newTip(String rpcHash, long height) {
        byte[] hash = HexFormat.of().parseHex(rpcHash);
        thread.execute(() -> {
            int seq = sequence++;
            byte[] seqBytes = {(byte) seq, (byte) (seq >>> 8), (byte) (seq >>> 16), (byte) (seq >>> 24)};
            socket.sendMore(TOPIC);
            socket.sendMore(hash);
            socket.send(seqBytes);
        });
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }
}
