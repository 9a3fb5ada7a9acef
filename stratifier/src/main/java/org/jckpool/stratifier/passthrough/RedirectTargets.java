package org.jckpool.stratifier.passthrough;

import org.jckpool.libpool.net.HostPort;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Which {@code redirecturl} entry a miner's address is sent to: a hash of the address over the list, so the same
 * address gets the same target on every connection, after a restart too, with nothing remembered per address.
 * (ckpool hands the entries out in turn to new addresses and remembers each; the hash keeps the one property
 * that matters, one target per address, without a table that grows with every address ever redirected.)
 */
final class RedirectTargets {
    private final List<HostPort> targets;

    RedirectTargets(List<HostPort> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no \"redirecturl\" entries: redirector mode needs somewhere to send"
                    + " miners");
        }
        this.targets = List.copyOf(targets);
    }

    HostPort forAddress(String ip) {
        return targets.get(indexOf(ip, targets.size()));
    }

    List<HostPort> all() {
        return targets;
    }

    /** The first 8 bytes of SHA-256 of the address text, modulo the list's size. */
    static int indexOf(String ip, int size) {
        byte[] h = sha256(ip.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xff);
        }
        return (int) Long.remainderUnsigned(v, size);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
