package org.jckpool.simnode.rpc;

/**
 * Core's RPC admission: {@code -rpcthreads} workers (default 16) serve requests, and up to {@code -rpcworkqueue}
 * (default 64) more wait for one. A request that finds the queue full is not queued: Core answers it at once with
 * HTTP 503 "Work queue depth exceeded".
 */
public final class RpcWorkQueue {
    /** Core's defaults (DEFAULT_HTTP_THREADS, DEFAULT_HTTP_WORKQUEUE). */
    public static final int DEFAULT_THREADS = 16;
    public static final int DEFAULT_DEPTH = 64;
    /** Core's body of the 503 reply. */
    public static final String FULL_MESSAGE = "Work queue depth exceeded";

    private final int threads;
    private final int depth;
    private int running;
    private int waiting;
    private long refused;

    public RpcWorkQueue(int threads, int depth) {
        if (threads < 1 || depth < 1) {
            throw new IllegalArgumentException("rpcthreads and rpcworkqueue must be at least 1");
        }
        this.threads = threads;
        this.depth = depth;
    }

    /**
     * Takes a worker for the calling request, waiting while all are busy.
     *
     * @return false when the queue was full (answer 503, do not call {@link #leave()})
     */
    public synchronized boolean enter() throws InterruptedException {
        if (running < threads && waiting == 0) {
            running++;
            return true;
        }
        if (waiting >= depth) {
            refused++;
            return false;
        }
        waiting++;
        try {
            while (running >= threads) {
                wait();
            }
        } finally {
            waiting--;
        }
        running++;
        return true;
    }

    /** The request's worker is free again. */
    public synchronized void leave() {
        running--;
        notify();
    }

    /** Requests answered 503 so far. */
    public synchronized long refused() {
        return refused;
    }

    public synchronized int running() {
        return running;
    }

    public synchronized int waiting() {
        return waiting;
    }
}
