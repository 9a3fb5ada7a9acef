package org.jckpool.stratifier.passthrough;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool's side of the passthrough link on a loopback port: answers {@code mining.passthrough} with
 * {@code answer}, records every line after it and can send lines down the latest connection.
 */
final class FakeUpstream implements AutoCloseable {
    final ServerSocket server;
    final List<String> received = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    volatile String answer = "{\"result\": true}";
    /** The method the first line must name (ckpool's upstream accepts mining.node only on a nodeserver port). */
    volatile String linkMethod = "mining.passthrough";
    volatile String firstLine;
    private volatile Socket current;
    /** Every accepted link in order, and the lines each brought. */
    final List<Socket> links = new CopyOnWriteArrayList<>();
    final List<List<String>> receivedOn = new CopyOnWriteArrayList<>();

    FakeUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fake-upstream");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "fake-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            firstLine = first;
            if (first == null || !first.contains(linkMethod)) {
                return;
            }
            s.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.UTF_8));
            List<String> mine = new CopyOnWriteArrayList<>();
            synchronized (links) {
                links.add(s);
                receivedOn.add(mine);
                current = s;
                connections.incrementAndGet();
            }
            String line;
            while ((line = in.readLine()) != null) {
                mine.add(line);
                received.add(line);
            }
        } catch (IOException e) {
            // the connection ended
        }
    }

    void send(String line) throws IOException {
        OutputStream out = current.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a line down link {@code n} (in accept order). */
    void send(int n, String line) throws IOException {
        OutputStream out = links.get(n).getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends link {@code n}. */
    void dropLink(int n) throws IOException {
        links.get(n).close();
    }

    /** Ends the current connection (the upstream pool going away). */
    void dropConnection() throws IOException {
        current.close();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : links) {
            s.close();
        }
    }
}
