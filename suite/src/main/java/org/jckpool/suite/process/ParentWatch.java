package org.jckpool.suite.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ReadableByteChannel;

import org.jckpool.libpool.log.Log;

/**
 * Makes a child process exit when its supervisor is gone. The supervisor keeps the write end of the child's stdin
 * pipe open and never writes; the kernel closes it when the supervisor dies for any reason (even SIGKILL), so the
 * child's read returns EOF and the child shuts down. No child outlives its supervisor.
 *
 * <p>The read is on a channel so that {@link #close()} can end it: a JVM exiting while a thread is still blocked in
 * a native read waits 300 ms for it (HotSpot's exit waits for threads in native code), which every child stop and
 * restart paid.
 */
public final class ParentWatch implements AutoCloseable {
    private final ReadableByteChannel in;
    private final Thread thread;
    private volatile boolean closing;

    private ParentWatch(ReadableByteChannel in, Runnable onParentGone) {
        this.in = in;
        this.thread = new Thread(() -> watch(onParentGone), "parent-watch");
        thread.setDaemon(true);
    }

    /** Starts a daemon thread that runs {@code onParentGone} when {@code in} reaches EOF or fails. */
    public static ParentWatch start(ReadableByteChannel in, Runnable onParentGone) {
        ParentWatch w = new ParentWatch(in, onParentGone);
        w.thread.start();
        return w;
    }

    private void watch(Runnable onParentGone) {
        ByteBuffer buf = ByteBuffer.allocate(256);
        try {
            while (in.read(buf) >= 0) {
                buf.clear(); // the supervisor never writes; ignore anything that arrives
            }
        } catch (AsynchronousCloseException e) {
            if (closing) {
                return;
            }
        } catch (IOException e) {
            Log.debug("stdin read failed: %s", e.getMessage());
        }
        if (closing) {
            return;
        }
        Log.warning("Supervisor gone (stdin closed), shutting down");
        onParentGone.run();
    }

    /** Stops watching (the process is shutting down anyway): closes the channel, which ends the blocked read. */
    @Override
    public void close() {
        closing = true;
        try {
            in.close();
        } catch (IOException e) {
            Log.debug("closing stdin: %s", e.getMessage());
        }
    }

    /** Waits for the watching thread to end. */
    boolean awaitEnd(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }
}
