package org.jckpool.stratifier.work;

import org.jckpool.libpool.bitcoin.ByteWriter;
import org.jckpool.libpool.bitcoin.Hex;

/**
 * The {@code submitblock} payload of docs/PROTOCOL.md §5.6: header ‖ varint(tx count) ‖ coinbase ‖ template
 * transactions. The coinbase goes in witness form (marker, flag, one 32-byte zero reserved value) when the
 * template carries a witness commitment.
 */
public final class BlockAssembler {
    private BlockAssembler() {
    }

    public static String blockHex(WorkBase base, byte[] header80, byte[] coinbase, int coinbaseLength) {
        Template t = base.template();
        ByteWriter w = new ByteWriter(80 + 9 + coinbaseLength + 40);
        w.bytes(header80, 0, 80).varInt(1L + t.txCount());
        if (base.hasWitnessCommitment()) {
            w.bytes(coinbase, 0, 4).u8(0).u8(1);
            w.bytes(coinbase, 4, coinbaseLength - 8);
            w.u8(1).u8(32).bytes(new byte[32]);
            w.bytes(coinbase, coinbaseLength - 4, 4);
        } else {
            w.bytes(coinbase, 0, coinbaseLength);
        }
        byte[] head = w.toByteArray();
        return new StringBuilder(head.length * 2 + t.txData().length()).append(Hex.encode(head))
                .append(t.txData()).toString();
    }
}
