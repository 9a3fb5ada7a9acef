package org.jckpool.connector.net;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** How a listening channel accepts; replaceable in tests to simulate "Too many open files". */
@FunctionalInterface
interface AcceptFunction {
    AcceptFunction DEFAULT = ServerSocketChannel::accept;

    SocketChannel accept(ServerSocketChannel server) throws IOException;
}
