package org.jckpool.libpool.bitcoin;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Payout address → scriptPubKey for P2PKH, P2SH (base58check) and segwit v0..v16 (bech32/bech32m). */
public final class Address {
    private static final String[] KNOWN_HRPS = {"bc", "tb", "bcrt"};

    private Address() {
    }

    /**
     * The scriptPubKey paying to {@code address} on {@code net}.
     *
     * @throws AddressException with the reason: bad checksum, wrong network or HRP, wrong checksum variant,
     *         bad program length, mixed case, padding, unknown version byte…
     */
    public static byte[] toScript(String address, Network net) {
        if (address == null || address.isBlank()) {
            throw new AddressException("empty address");
        }
        String a = address.trim();
        String lower = a.toLowerCase(Locale.ROOT);
        int sep = lower.lastIndexOf('1');
        String hrp = sep > 0 ? lower.substring(0, sep) : "";
        for (String known : KNOWN_HRPS) {
            if (known.equals(hrp)) {
                return segwitScript(a, net);
            }
        }
        try {
            return base58Script(a, net);
        } catch (AddressException base58Error) {
            // Not base58: if it is a well-formed bech32 string, the HRP is the problem.
            Bech32.Decoded d;
            try {
                d = Bech32.decode(a);
            } catch (AddressException notBech32) {
                throw new AddressException("invalid address \"" + a + "\": " + base58Error.getMessage());
            }
            throw new AddressException("invalid address \"" + a + "\": wrong HRP \"" + d.hrp() + "\" (network "
                    + net.chainName() + " expects \"" + net.hrp() + "\")");
        }
    }

    /** True when {@link #toScript} accepts the address. */
    public static boolean isValid(String address, Network net) {
        try {
            toScript(address, net);
            return true;
        } catch (AddressException e) {
            return false;
        }
    }

    /**
     * The networks on which {@code address} is valid: empty for no address at all; one network for a bech32
     * address of bc/bcrt; test and signet for tb; test, signet and regtest for a base58 address with the test
     * version bytes (regtest shares them).
     */
    public static Set<Network> networksOf(String address) {
        Set<Network> out = EnumSet.noneOf(Network.class);
        for (Network n : Network.values()) {
            if (isValid(address, n)) {
                out.add(n);
            }
        }
        return out;
    }

    private static byte[] segwitScript(String address, Network net) {
        Bech32.SegwitAddress s;
        try {
            s = Bech32.decodeSegwit(address);
        } catch (AddressException e) {
            throw new AddressException("invalid address \"" + address + "\": " + e.getMessage());
        }
        if (!s.hrp().equals(net.hrp())) {
            throw new AddressException("invalid address \"" + address + "\": wrong network, HRP \"" + s.hrp()
                    + "\" but network " + net.chainName() + " expects \"" + net.hrp() + "\"");
        }
        return Script.witness(s.version(), s.program());
    }

    private static byte[] base58Script(String address, Network net) {
        byte[] payload = Base58.decodeCheck(address);
        if (payload.length != 21) {
            throw new AddressException("base58check payload of " + payload.length + " bytes (expected 21)");
        }
        int version = payload[0] & 0xff;
        byte[] hash = java.util.Arrays.copyOfRange(payload, 1, 21);
        if (version == net.p2pkhVersion()) {
            return Script.p2pkh(hash);
        }
        if (version == net.p2shVersion()) {
            return Script.p2sh(hash);
        }
        throw new AddressException(String.format(
                "version byte 0x%02x is not P2PKH (0x%02x) or P2SH (0x%02x) on network %s (wrong network?)",
                version, net.p2pkhVersion(), net.p2shVersion(), net.chainName()));
    }

    public static String p2pkh(byte[] hash160, Network net) {
        return Base58.encodeCheck(prefixed(net.p2pkhVersion(), hash160));
    }

    public static String p2sh(byte[] hash160, Network net) {
        return Base58.encodeCheck(prefixed(net.p2shVersion(), hash160));
    }

    public static String segwit(int version, byte[] program, Network net) {
        return Bech32.encodeSegwit(net.hrp(), version, program);
    }

    private static byte[] prefixed(int version, byte[] hash160) {
        if (hash160.length != 20) {
            throw new IllegalArgumentException("hash160 must be 20 bytes");
        }
        byte[] p = new byte[21];
        p[0] = (byte) version;
        System.arraycopy(hash160, 0, p, 1, 20);
        return p;
    }
}
