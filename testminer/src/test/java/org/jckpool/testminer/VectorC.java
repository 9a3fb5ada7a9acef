package org.jckpool.testminer;

/** docs/PROTOCOL.md §10 vector (c): the worked Stratum job and share. */
public final class VectorC {
    public static final String JOB_ID = "1f";
    public static final String PREVHASH = "48d12fc652e38479ff9c03b4236097d448050f15000251eb0000000000000000";
    public static final String COINB1 = "02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff150340d10c072f4a506f6f6c2f08";
    public static final String COINB2 = "feffffff02a735b31200000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288eced3143843fd10c00";
    public static final String BRANCH0 = "af6c87dd207be09ed13c907d2491f3bd9d9f215b588c244c1ac44ef74fb3931f";
    public static final String BRANCH1 = "d4d15a484edf09e8d7117fb7012086a84a4e0deb4ea4f9d58563fe1f34e653b1";
    public static final String VERSION = "20000000";
    public static final String NBITS = "17034219";
    public static final String NTIME = "662307b7";
    public static final String EXTRANONCE1 = "8d3b5a1c";
    public static final int EXTRANONCE2_SIZE = 4;
    public static final String EXTRANONCE2 = "0000002b";
    public static final String NONCE = "7bec501e";
    public static final String VERSION_BITS = "00a00000";
    public static final String WORKER = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4.rig1";

    public static final String NOTIFY_LINE = "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1f\",\"" + PREVHASH
            + "\",\"" + COINB1 + "\",\"" + COINB2 + "\",[\"" + BRANCH0 + "\",\"" + BRANCH1 + "\"],\"" + VERSION
            + "\",\"" + NBITS + "\",\"" + NTIME + "\",true]}";
    public static final String SUBMIT_LINE = "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"" + WORKER
            + "\",\"1f\",\"0000002b\",\"662307b7\",\"7bec501e\",\"00a00000\"]}";

    public static final String COINBASE = "02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff150340d10c072f"
            + "4a506f6f6c2f088d3b5a1c0000002bfeffffff02a735b31200000000160014751e76e8199196d454941c45d1b3a323f1"
            + "433bd60000000000000000266a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288eced31"
            + "43843fd10c00";
    public static final String COINBASE_TXID = "e7021e0a1fbc3f791c6711e78abd25d85fcdc259ae07ae7e635c387eabdb83f5";
    public static final String MERKLE_ROOT = "c77a0cd12ea8c4acd45750b2372bd0b39cbc2e00f7ea63fd5337c1e54ce0abb6";
    public static final String HEADER = "0000a020c62fd1487984e352b4039cffd4976023150f0548eb5102000000000000000000"
            + "c77a0cd12ea8c4acd45750b2372bd0b39cbc2e00f7ea63fd5337c1e54ce0abb6b7072366194203171e50ec7b";
    public static final String HASH_INTERNAL = "91795cbb4cf9334fd34862a251b44e1e27f7a24478bf52cbcd3be0b300000000";
    public static final String HASH_RPC = "00000000b3e03bcdcb52bf7844a2f7271e4eb451a26248d34f33f94cbb5c7991";
    public static final double ACHIEVED_DIFFICULTY = 1.423181626391509;

    private VectorC() {
    }
}
