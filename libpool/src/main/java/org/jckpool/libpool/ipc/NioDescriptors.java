package org.jckpool.libpool.ipc;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * The file descriptors behind the JDK's NIO channels, and a listening {@link ServerSocketChannel} made from a
 * descriptor received from another process. The JDK has no public API for either, so this reaches into
 * {@code sun.nio.ch}; the JVM must be started with {@value #JVM_FLAG} (the launchers add it). Without it
 * {@link #available()} is false and every call throws an {@link IOException} saying so; callers fall back to
 * binding their own sockets.
 */
public final class NioDescriptors {
    /** The flag that opens {@code sun.nio.ch} to this class. */
    public static final String JVM_FLAG = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";

    private static final Method GET_FD;
    private static final Field FAMILY;
    private static final Constructor<?> SERVER_CHANNEL;
    private static final String PROBLEM;

    static {
        Method getFd = null;
        Field family = null;
        Constructor<?> serverChannel = null;
        String problem = null;
        try {
            getFd = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFD");
            getFd.setAccessible(true);
            Class<?> impl = Class.forName("sun.nio.ch.ServerSocketChannelImpl");
            family = impl.getDeclaredField("family");
            family.setAccessible(true);
            serverChannel = impl.getDeclaredConstructor(SelectorProvider.class, ProtocolFamily.class,
                    FileDescriptor.class, boolean.class);
            serverChannel.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = "JDK socket internals not accessible (start the JVM with " + JVM_FLAG + "): " + e;
        }
        GET_FD = getFd;
        FAMILY = family;
        SERVER_CHANNEL = serverChannel;
        PROBLEM = problem;
    }

    private NioDescriptors() {
    }

    /** True when descriptors can be read from and turned into channels in this JVM. */
    public static boolean available() {
        return PROBLEM == null;
    }

    /** Why {@link #available()} is false (null when it is true). */
    public static String problem() {
        return PROBLEM;
    }

    /** The descriptor of a JDK socket channel (the channel keeps owning it). */
    public static FileDescriptor of(Channel channel) throws IOException {
        check();
        try {
            return (FileDescriptor) GET_FD.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read the descriptor of " + channel + ": " + e, e);
        }
    }

    /** The protocol family a JDK server channel was opened with (INET, INET6 or UNIX). */
    public static StandardProtocolFamily familyOf(ServerSocketChannel channel) throws IOException {
        check();
        try {
            return (StandardProtocolFamily) FAMILY.get(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read the family of " + channel + ": " + e, e);
        }
    }

    /** A channel on a bound, listening socket this process received (it owns the descriptor from now on). */
    public static ServerSocketChannel listening(FileDescriptor fd, StandardProtocolFamily family) throws IOException {
        check();
        try {
            return (ServerSocketChannel) SERVER_CHANNEL.newInstance(SelectorProvider.provider(), family, fd, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot make a server channel of a received descriptor: " + e, e);
        }
    }

    private static void check() throws IOException {
        if (PROBLEM != null) {
            throw new IOException(PROBLEM);
        }
    }
}
