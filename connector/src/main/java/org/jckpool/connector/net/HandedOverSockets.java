package org.jckpool.connector.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jckpool.libpool.ipc.ListeningSockets;
import org.jckpool.libpool.ipc.NioDescriptors;
import org.jckpool.libpool.log.Log;

/**
 * The listening sockets the listener holds for us, asked for with {@code getxfd} on its socket: they outlive the
 * connector, so connects wait in the backlog while it restarts. Any problem (no listener, no descriptor passing,
 * sockets that do not match serverurl) is logged and gives an empty list: the connector then binds its own.
 */
public final class HandedOverSockets {
    private static final int TIMEOUT_MS = 3_000;

    private HandedOverSockets() {
    }

    public static List<ServerSocketChannel> fromListener(Path listenerSocket, List<ListenAddress> listen) {
        if (!Files.exists(listenerSocket)) {
            Log.info("No listener socket %s: binding the serverurl ports here", listenerSocket);
            return List.of();
        }
        if (!NioDescriptors.available()) {
            Log.warning("Cannot take listening sockets from the listener (%s): binding them here",
                    NioDescriptors.problem());
            return List.of();
        }
        ListeningSockets got;
        try {
            got = ListeningSockets.fetch(listenerSocket, TIMEOUT_MS);
        } catch (IOException e) {
            Log.warning("Could not take the listening sockets from the listener (%s): binding them here",
                    e.getMessage());
            return List.of();
        }
        if (got.isEmpty()) {
            Log.notice("The listener holds no listening sockets: binding the serverurl ports here");
            return List.of();
        }
        String mismatch = mismatch(got.channels(), listen);
        if (mismatch != null) {
            Log.warning("The listener's sockets %s do not match serverurl %s (%s): binding them here", got.urls(),
                    listen, mismatch);
            got.close();
            return List.of();
        }
        return got.channels();
    }

    /** Why the handed sockets do not serve {@code listen} in order, or null when they do. */
    static String mismatch(List<ServerSocketChannel> channels, List<ListenAddress> listen) {
        if (channels.size() != listen.size()) {
            return channels.size() + " sockets for " + listen.size() + " entries";
        }
        for (int i = 0; i < channels.size(); i++) {
            try {
                int port = ((InetSocketAddress) channels.get(i).getLocalAddress()).getPort();
                if (listen.get(i).port() != 0 && port != listen.get(i).port()) {
                    return "entry " + i + " is port " + port;
                }
            } catch (IOException | RuntimeException e) {
                return "entry " + i + ": " + e.getMessage();
            }
        }
        return null;
    }
}
