package org.jckpool.libpool.bitcoin;

import java.util.Locale;

/** Address parameters of the Bitcoin networks (testnet3, testnet4 and signet share the test prefixes). */
public enum Network {
    MAIN("main", "bc", 0x00, 0x05),
    TEST("test", "tb", 0x6f, 0xc4),
    SIGNET("signet", "tb", 0x6f, 0xc4),
    REGTEST("regtest", "bcrt", 0x6f, 0xc4);

    private final String chainName;
    private final String hrp;
    private final int p2pkhVersion;
    private final int p2shVersion;

    Network(String chainName, String hrp, int p2pkhVersion, int p2shVersion) {
        this.chainName = chainName;
        this.hrp = hrp;
        this.p2pkhVersion = p2pkhVersion;
        this.p2shVersion = p2shVersion;
    }

    /** The name Core reports in getblockchaininfo "chain". */
    public String chainName() {
        return chainName;
    }

    /** Bech32 human-readable part. */
    public String hrp() {
        return hrp;
    }

    public int p2pkhVersion() {
        return p2pkhVersion;
    }

    public int p2shVersion() {
        return p2shVersion;
    }

    /**
     * From a chain name as Core reports it ("main", "test", "testnet4", "signet", "regtest"); also accepts
     * "mainnet", "testnet" and "testnet3". Case-insensitive.
     */
    public static Network fromChainName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("chain name is null");
        }
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "main":
            case "mainnet":
                return MAIN;
            case "test":
            case "testnet":
            case "testnet3":
            case "testnet4":
                return TEST;
            case "signet":
                return SIGNET;
            case "regtest":
                return REGTEST;
            default:
                throw new IllegalArgumentException("unknown chain name \"" + name
                        + "\" (expected main, test, testnet4, signet or regtest)");
        }
    }
}
