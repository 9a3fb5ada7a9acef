package org.jckpool.libpool.bitcoin.bench;

import org.jckpool.libpool.bitcoin.HeaderHasher;
import org.jckpool.libpool.bitcoin.Sha256d;

/**
 * Prints single-thread header hashes per second: {@link Sha256d#hash}, {@link HeaderHasher} without and with
 * the midstate. Argument: seconds per variant, split over three interleaved rounds (default 3). Run:
 * {@code java -cp libpool/target/classes org.jckpool.libpool.bitcoin.bench.HeaderHashBench 3}
 */
public final class HeaderHashBench {
    private HeaderHashBench() {
    }

    private interface HashFn {
        byte[] hash(byte[] header);
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        HeaderHasher hasher = new HeaderHasher();
        run("Sha256d.hash (warm-up)", Math.min(seconds, 1.0), Sha256d::hash);
        run("HeaderHasher with midstate (warm-up)", Math.min(seconds, 1.0), hasher::hash);
        // interleaved rounds, so that load from other processes affects every variant alike
        for (int round = 1; round <= 3; round++) {
            run("round " + round + " Sha256d.hash", seconds / 3, Sha256d::hash);
            run("round " + round + " HeaderHasher without midstate", seconds / 3, hasher::hashWithoutMidstate);
            run("round " + round + " HeaderHasher with midstate", seconds / 3, hasher::hash);
        }
    }

    private static void run(String name, double seconds, HashFn fn) {
        byte[] header = new byte[80];
        for (int i = 0; i < 80; i++) {
            header[i] = (byte) (i * 31);
        }
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long count = 0;
        int sink = 0;
        long start = System.nanoTime();
        long now;
        do {
            for (int i = 0; i < 4096; i++) {
                int nonce = (int) count + i; // roll the nonce (bytes 76..79) like a miner
                header[76] = (byte) nonce;
                header[77] = (byte) (nonce >>> 8);
                header[78] = (byte) (nonce >>> 16);
                header[79] = (byte) (nonce >>> 24);
                sink ^= fn.hash(header)[31];
            }
            count += 4096;
            now = System.nanoTime();
        } while (now < deadline);
        double rate = count / ((now - start) / 1e9);
        System.out.printf("%-40s %,12.0f hashes/s  (sink %d)%n", name, rate, sink);
    }
}
