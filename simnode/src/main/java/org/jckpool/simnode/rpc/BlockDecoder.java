package org.jckpool.simnode.rpc;

import java.util.ArrayList;
import java.util.List;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.ByteReader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Transaction;

/** Core's DecodeHexBlk: hex → block, RPC error -22 "Block decode failed" on any failure. */
final class BlockDecoder {
    private BlockDecoder() {
    }

    static Block decode(String hex) {
        if (hex.isEmpty() || !Hex.isHex(hex)) {
            throw failed();
        }
        try {
            ByteReader reader = new ByteReader(Hex.decode(hex));
            BlockHeader header = BlockHeader.read(reader);
            int count = reader.varLength(reader.remaining() / 10 + 1, "transaction count");
            List<Transaction> txs = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                txs.add(Transaction.read(reader));
            }
            // Like Core's stream deserialisation, bytes after the last transaction are ignored.
            return new Block(header, txs);
        } catch (RuntimeException e) {
            throw failed();
        }
    }

    private static CoreRpcException failed() {
        return new CoreRpcException(RpcCodes.DESERIALIZATION_ERROR, "Block decode failed");
    }
}
