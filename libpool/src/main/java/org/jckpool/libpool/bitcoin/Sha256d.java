package org.jckpool.libpool.bitcoin;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Double SHA-256 with one MessageDigest per thread (MessageDigest is not thread-safe). */
public final class Sha256d {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256d::newDigest);

    private Sha256d() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    public static byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    public static byte[] hash(byte[] data, int off, int len) {
        MessageDigest md = DIGEST.get();
        md.reset();
        md.update(data, off, len);
        byte[] first = md.digest();
        return md.digest(first);
    }

    /** H(a ‖ b), the merkle node combiner. */
    public static byte[] hashPair(byte[] a, byte[] b) {
        MessageDigest md = DIGEST.get();
        md.reset();
        md.update(a);
        md.update(b);
        byte[] first = md.digest();
        return md.digest(first);
    }

    /** Single SHA-256. */
    public static byte[] sha256(byte[] data) {
        MessageDigest md = DIGEST.get();
        md.reset();
        return md.digest(data);
    }
}
