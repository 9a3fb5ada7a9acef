package org.jckpool.connector.net;

import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.jckpool.libpool.log.Log;

/**
 * Requests for the I/O thread from any thread (send, broadcast, drop, ...), run in order. Producers on other
 * threads wake the selector once per round and wait while too many requests are pending (back-pressure); the
 * I/O thread itself never waits here.
 */
final class CommandQueue {
    /** Callers wait while this many requests are not yet handled by the I/O thread. */
    private static final int MAX_PENDING = 65_536;
    /** At most this many per round, so that reads and accepts are not starved by a busy producer. */
    private static final int PER_ROUND = 16_384;

    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final Selector selector;
    private Thread ioThread;
    private volatile boolean open = true;

    CommandQueue(Selector selector) {
        this.selector = selector;
    }

    void ioThread(Thread thread) {
        this.ioThread = thread;
    }

    boolean isEmpty() {
        return commands.isEmpty();
    }

    /** Queues a request for the I/O thread; false once the queue is closed. */
    boolean submit(Command command) {
        if (!open) {
            return false;
        }
        commands.add(command);
        int n = pending.incrementAndGet();
        boolean onIoThread = Thread.currentThread() == ioThread;
        // the I/O thread itself (a polled stream's frames) runs its commands before the round ends
        if (!onIoThread && wakeupRequested.compareAndSet(false, true)) {
            selector.wakeup();
        }
        if (n > MAX_PENDING && !onIoThread) {
            while (open && pending.get() > MAX_PENDING) {
                LockSupport.parkNanos(100_000);
            }
        }
        return true;
    }

    /** The I/O thread woke: the next request from another thread wakes it again. */
    void woken() {
        wakeupRequested.set(false);
    }

    /** Runs up to one round's worth of requests; true when the queue was emptied. */
    boolean runRound(Consumer<Command> handler) {
        for (int done = 0; done < PER_ROUND; done++) {
            Command command = commands.poll();
            if (command == null) {
                return true;
            }
            pending.decrementAndGet();
            try {
                handler.accept(command);
            } catch (RuntimeException e) {
                Log.err("Unexpected failure handling a request for client %d: %s", command.id(), e);
            }
        }
        return commands.isEmpty();
    }

    /** Refuses further requests (the server is stopping); producers waiting for room return. */
    void stop() {
        open = false;
    }

    /** Refuses further requests and completes the waiting ones as not done. */
    void close() {
        open = false;
        for (Command c; (c = commands.poll()) != null; ) {
            c.complete(c.kind() == Command.DROP_ALL ? (Object) 0 : (Object) Boolean.FALSE);
        }
        pending.set(0);
    }

    /** A request for the I/O thread; {@code done} is completed by the kinds that report back. */
    record Command(int kind, long id, ByteBuffer data, String reason, CompletableFuture<?> done, Runnable task) {
        static final int SEND = 1;
        static final int SEND_ALL = 2;
        static final int DROP = 3;
        static final int DROP_ADMIN = 4;
        static final int DROP_ALL = 5;
        static final int SUBSCRIBE = 6;
        static final int RUN = 7;
        static final int DRAIN = 8;

        @SuppressWarnings("unchecked")
        void complete(Object value) {
            if (done != null) {
                ((CompletableFuture<Object>) done).complete(value);
            }
        }
    }
}
