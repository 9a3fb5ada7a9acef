package org.jckpool.itests;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** Opens and closes connections to the stratum port every {@code everyMs}, counting the refused ones. */
final class ConnectLoop implements AutoCloseable {
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    ConnectLoop(int port, long everyMs) {
        thread = new Thread(() -> {
            while (running) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    connected.incrementAndGet();
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
                try {
                    Thread.sleep(everyMs); // the loop's pace: a connect every everyMs
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "connect-loop");
        thread.setDaemon(true);
        thread.start();
    }

    int attempts() {
        return connected.get() + refused.get() + failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
