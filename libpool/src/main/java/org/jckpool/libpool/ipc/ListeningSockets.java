package org.jckpool.libpool.ipc;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.libpool.json.Json;

/**
 * The pool's listening TCP sockets (one per {@code serverurl} entry, in order), held by a process that outlives
 * the connector so that connects wait in the kernel's backlog while a connector restarts, and handed over with
 * ckpool's {@code getxfd} request: the reply is {@code {"sockets":[{"url":"host:port","family":"INET6"},…]}}
 * with one descriptor per entry attached (see {@link DescriptorPassing}); {@code {"sockets":[]}} when the
 * process holds none.
 */
public final class ListeningSockets implements Closeable {
    /** The request; ckpool's {@code getxfd<N>} asks for one socket, this answers with all of them. */
    public static final String GETXFD = "getxfd";
    /** The backlog of each socket (the connector's, as before): connects queued while nobody accepts. */
    public static final int BACKLOG = 1024;

    private final List<String> urls;
    private final List<ServerSocketChannel> channels;

    private ListeningSockets(List<String> urls, List<ServerSocketChannel> channels) {
        this.urls = List.copyOf(urls);
        this.channels = List.copyOf(channels);
    }

    /** No sockets: the connector binds its own. */
    public static ListeningSockets none() {
        return new ListeningSockets(List.of(), List.of());
    }

    /** Binds every entry (SO_REUSEADDR, backlog {@value #BACKLOG}); on a failure closes those bound and throws. */
    public static ListeningSockets bind(List<HostPort> serverurls) throws IOException {
        List<String> urls = new ArrayList<>();
        List<ServerSocketChannel> channels = new ArrayList<>();
        try {
            for (HostPort hp : serverurls) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                try {
                    ch.bind(new InetSocketAddress(hp.host(), hp.port()), BACKLOG);
                } catch (IOException e) {
                    throw new IOException("cannot listen on serverurl " + hp + ": " + e.getMessage(), e);
                }
                urls.add(hp.toString());
            }
        } catch (IOException | RuntimeException e) {
            closeAll(channels);
            throw e;
        }
        return new ListeningSockets(urls, channels);
    }

    /**
     * Asks the process behind {@code socket} for its listening sockets ({@value #GETXFD}). Empty when it holds
     * none; throws when it cannot be asked or the reply does not fit (received descriptors are then closed).
     */
    public static ListeningSockets fetch(Path socket, int timeoutMs) throws IOException {
        DescriptorPassing.Reply r = DescriptorPassing.request(socket, GETXFD, timeoutMs);
        List<ServerSocketChannel> channels = new ArrayList<>();
        try {
            JsonNode parsed = Json.parseOrNull(r.text());
            JsonNode sockets = parsed == null ? null : parsed.get("sockets");
            if (sockets == null || !sockets.isArray()) {
                throw new IOException("unexpected " + GETXFD + " reply: " + r.text());
            }
            if (sockets.size() != r.descriptors().length) {
                throw new IOException(GETXFD + " reply names " + sockets.size() + " sockets but carries "
                        + r.descriptors().length + " descriptors");
            }
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < sockets.size(); i++) {
                StandardProtocolFamily family = StandardProtocolFamily.valueOf(sockets.get(i).path("family").asText());
                channels.add(NioDescriptors.listening(r.descriptors()[i], family));
                urls.add(sockets.get(i).path("url").asText());
            }
            return new ListeningSockets(urls, channels);
        } catch (IOException | RuntimeException e) {
            closeAll(channels);
            for (int i = channels.size(); i < r.descriptors().length; i++) {
                closeDescriptor(r.descriptors()[i]);
            }
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    /** The {@value #GETXFD} reply: the description and the descriptors (this process keeps its own). */
    public DescriptorPassing.Reply describe() {
        ObjectNode o = Json.object();
        ArrayNode list = o.putArray("sockets");
        FileDescriptor[] fds = new FileDescriptor[channels.size()];
        try {
            for (int i = 0; i < channels.size(); i++) {
                list.addObject().put("url", urls.get(i))
                        .put("family", NioDescriptors.familyOf(channels.get(i)).name());
                fds[i] = NioDescriptors.of(channels.get(i));
            }
        } catch (IOException e) {
            ObjectNode failed = Json.object();
            failed.putArray("sockets");
            failed.put("error", e.getMessage());
            return new DescriptorPassing.Reply(failed.toString(), new FileDescriptor[0]);
        }
        return new DescriptorPassing.Reply(o.toString(), fds);
    }

    /** The serverurl entries, in order ("host:port" as configured). */
    public List<String> urls() {
        return urls;
    }

    public List<ServerSocketChannel> channels() {
        return channels;
    }

    public boolean isEmpty() {
        return channels.isEmpty();
    }

    /** Closes this process's descriptors (the sockets live on in any process that received them). */
    @Override
    public void close() {
        closeAll(channels);
    }

    private static void closeAll(List<ServerSocketChannel> channels) {
        for (ServerSocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing our copy; nothing to do
            }
        }
    }

    private static void closeDescriptor(FileDescriptor fd) {
        try {
            new java.io.FileInputStream(fd).close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
