package org.jckpool.simnode.chain;

import java.util.List;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Transaction;

/** Bitcoin Core's regtest genesis block: mainnet's genesis coinbase with time 1296688602, bits 207fffff, nonce 2. */
public final class RegtestGenesis {
    /** Hash in RPC order. */
    public static final String HASH = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";

    private static final String COINBASE_HEX = "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d"
            + "0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66"
            + "207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe55"
            + "48271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba"
            + "0b8d578a4c702b6bf11d5fac00000000";

    private RegtestGenesis() {
    }

    public static Block block() {
        Transaction coinbase = Transaction.parse(Hex.decode(COINBASE_HEX));
        BlockHeader header = new BlockHeader(1, new byte[32], coinbase.txid(), 1296688602L, Consensus.REGTEST_BITS, 2);
        return new Block(header, List.of(coinbase));
    }
}
