package org.jckpool.testminer.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Sha256d;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumCodec;
import org.jckpool.testminer.VectorC;
import org.jckpool.testminer.stratum.MiningJob;
import org.jckpool.testminer.stratum.StratumRequests;
import org.junit.jupiter.api.Test;

/** Rebuilding vector (c) from the notify, extranonce1 and extranonce2 gives the exact coinbase, header and hash. */
class VectorCWorkTest {
    private static final long MASK = 0x1fffe000L;

    private static MiningJob job() throws Exception {
        return MiningJob.from(Notify.parse(StratumCodec.parse(VectorC.NOTIFY_LINE)));
    }

    @Test
    void notifyDecodesToTheJobFields() throws Exception {
        MiningJob job = job();
        assertThat(job.jobId()).isEqualTo("1f");
        assertThat(Hex.toRpc(job.prevHash())).isEqualTo("0000000000000000000251eb48050f15236097d4ff9c03b452e3847948d12fc6");
        assertThat(job.version()).isEqualTo(0x20000000L);
        assertThat(job.nbits()).isEqualTo(0x17034219L);
        assertThat(job.ntime()).isEqualTo(0x662307b7L);
        assertThat(job.cleanJobs()).isTrue();
        assertThat(job.merkleBranch()).hasSize(2);
    }

    @Test
    void coinbaseMerkleRootHeaderAndHashMatchTheVector() throws Exception {
        MiningJob job = job();
        byte[] en1 = Hex.decode(VectorC.EXTRANONCE1);
        byte[] en2 = HeaderBuilder.extranonce2(0x2b, VectorC.EXTRANONCE2_SIZE);
        assertThat(Hex.encode(en2)).isEqualTo(VectorC.EXTRANONCE2);
        byte[] coinbase = HeaderBuilder.coinbase(job, en1, en2);
        assertThat(Hex.encode(coinbase)).isEqualTo(VectorC.COINBASE);
        assertThat(Hex.encode(Sha256d.hash(coinbase))).isEqualTo(VectorC.COINBASE_TXID);
        assertThat(Hex.encode(HeaderBuilder.merkleRoot(job, en1, en2))).isEqualTo(VectorC.MERKLE_ROOT);

        long version = new VersionRoller(MASK).version(job.version(), 0) | (0x00a00000L & MASK);
        assertThat(version).isEqualTo(0x20a00000L);
        byte[] header = HeaderBuilder.header(job, en1, en2, version, 0x7bec501eL);
        assertThat(Hex.encode(header)).isEqualTo(VectorC.HEADER);
        byte[] hash = Sha256d.hash(header);
        assertThat(Hex.encode(hash)).isEqualTo(VectorC.HASH_INTERNAL);
        assertThat(Hex.toRpc(hash)).isEqualTo(VectorC.HASH_RPC);
        assertThat(Target.hashDifficulty(hash)).isCloseTo(VectorC.ACHIEVED_DIFFICULTY, within(1e-12));
    }

    @Test
    void scannerFindsTheVectorNonceAtDifficultyOneAndItIsNotABlock() throws Exception {
        MiningJob job = job();
        Work work = new Work(job, Hex.decode(VectorC.EXTRANONCE1), 4, MASK, 1.0, ShareTarget.ofDifficulty(1.0),
                Target.fromCompact(job.nbits()), 0);
        byte[] en2 = Hex.decode(VectorC.EXTRANONCE2);
        NonceScanner scanner = new NonceScanner();
        scanner.prepare(work, en2);
        scanner.setVersion(0x20a00000L);
        long hit = scanner.scan(0x7bec501eL - 1500, 3000, work.shareTarget());
        assertThat(hit).isEqualTo(0x7bec501eL);
        assertThat(Hex.encode(scanner.lastHash())).isEqualTo(VectorC.HASH_INTERNAL);
        FoundShare share = new FoundShare(work, en2, 0x20a00000L, hit, scanner.lastHash());
        assertThat(share.versionBits()).isEqualTo(0x00a00000L);
        assertThat(share.isBlock()).isFalse();
        assertThat(share.hashRpcHex()).isEqualTo(VectorC.HASH_RPC);
        // At difficulty 1.5 the same hash (achieved 1.42) is not a share.
        assertThat(ShareTarget.ofDifficulty(1.5).isMetBy(scanner.lastHash())).isFalse();
    }

    @Test
    void submitLineIsTheVectorWireMessage() {
        String line = StratumRequests.submit(4, VectorC.WORKER, "1f", "0000002b", 0x662307b7L, 0x7bec501eL, 0x00a00000L);
        assertThat(line).isEqualTo(VectorC.SUBMIT_LINE);
        String noRolling = StratumRequests.submit(5, "w", "1f", "0000002b", 0x662307b7L, 0x0000000aL, null);
        assertThat(noRolling).isEqualTo(
                "{\"id\":5,\"method\":\"mining.submit\",\"params\":[\"w\",\"1f\",\"0000002b\",\"662307b7\",\"0000000a\"]}");
        String odd = StratumRequests.submit(6, "a\"b\\c\n", "1f", "00", 0, 0, null);
        assertThat(odd).startsWith("{\"id\":6,\"method\":\"mining.submit\",\"params\":[\"a\\\"b\\\\c\\n\",");
    }

    @Test
    void networkTargetOfTheVectorBits() throws Exception {
        BigInteger network = Target.fromCompact(job().nbits());
        assertThat(Target.toHex(network)).isEqualTo("0000000000000000000342190000000000000000000000000000000000000000");
    }
}
