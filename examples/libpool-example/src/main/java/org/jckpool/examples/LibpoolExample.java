package org.jckpool.examples;

import java.nio.channels.Pipe;

import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;
import org.jckpool.libpool.stratum.StratumCodec;
import org.jckpool.libpool.stratum.StratumMessage;

/**
 * One use of each part of libpool's public API. Run with no arguments for the offline parts, or with
 * {@code <node-url> <rpc-user> <rpc-password>} to also ask a Bitcoin node for its height.
 */
public final class LibpoolExample {
    private LibpoolExample() {
    }

    public static void main(String[] args) throws Exception {
        // Bitcoin primitives: mainnet's genesis header, from its fields, hashes to the well-known block id.
        BlockHeader genesis = new BlockHeader(1, new byte[32],
                Hex.fromRpc("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
                1231006505L, 0x1d00ffffL, 2083236893L);
        System.out.println("genesis block " + genesis.hashHex());
        System.out.println("difficulty of bits 1d00ffff: " + Target.difficultyOfCompact(0x1d00ffffL));

        // Frames: the suite's length-prefixed messages, here over an in-process pipe instead of a Unix socket.
        Pipe pipe = Pipe.open();
        Frames.write(pipe.sink(), Frames.utf8("{\"method\":\"ping\"}"));
        System.out.println("frame read back: " + Frames.text(Frames.read(pipe.source())));

        // Stratum v1: write a request line and read it back.
        String line = StratumCodec.request(1, "mining.subscribe", "libpool-example/1");
        StratumMessage parsed = StratumCodec.parse(line);
        System.out.println("stratum " + parsed.kind() + " " + parsed.method() + " from " + parsed.string(0));

        // JSON-RPC to bitcoind (or anything speaking its RPC).
        if (args.length == 3) {
            BitcoinRpcClient node = new BitcoinRpcClient(args[0], RpcCredentials.basic(args[1], args[2]));
            System.out.println("node height " + node.getBlockCount());
        }
    }
}
