package org.jckpool.libpool.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/PROTOCOL.md §10 vectors (a), (b), (c), (f), (g) and the §6 merkle worked example. */
class BlockVectorsTest {
    static final String GENESIS_COINBASE = "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d"
            + "0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66"
            + "207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe55"
            + "48271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba"
            + "0b8d578a4c702b6bf11d5fac00000000";

    static final String COINB1 = "02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff150340d10c072f4a506f6f6c2f08";
    static final String COINB2 = "feffffff02a735b31200000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288eced3143843fd10c00";

    static final String REGTEST_BLOCK = "0000002006226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f29f6f0c30954b0433d405e5e"
            + "b50241840b2aacbcf5796c39f4c39ffc980abceb00f15365ffff7f200000000001020000000001010000000000000000"
            + "000000000000000000000000000000000000000000000000ffffffff1251072f4a506f6f6c2f088d3b5a1c00000001fe"
            + "ffffff0200f2052a01000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21"
            + "a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf90120000000000000000000000000"
            + "000000000000000000000000000000000000000000000000";

    @Test
    void vectorA_block125552Header() {
        BlockHeader h = new BlockHeader(1,
                Hex.fromRpc("00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81"),
                Hex.fromRpc("2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3"),
                1305998791L, 0x1a44b9f2L, 2504433986L);
        String expected = "01000000"
                + "81cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000"
                + "e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122b"
                + "c7f5d74df2b9441a42a14695";
        assertThat(Hex.encode(h.serialize())).isEqualTo(expected);
        assertThat(Hex.encode(h.hash())).isEqualTo("1dbd981fe6985776b644b173a4d0385ddc1aa2a829688d1e0000000000000000");
        assertThat(h.hashHex()).isEqualTo("00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d");
        assertThat(new HeaderHasher().hash(h.serialize())).isEqualTo(h.hash());
        assertThat(BlockHeader.parse(Hex.decode(expected))).isEqualTo(h);
        assertThat(Target.meets(h.hash(), Target.fromCompact(h.bits()))).isTrue();
        assertThatThrownBy(() -> BlockHeader.parse(new byte[79])).isInstanceOf(ParseException.class);
    }

    @Test
    void vectorB_genesis() {
        Transaction cb = Transaction.parseHex(GENESIS_COINBASE);
        assertThat(Hex.encode(cb.serialize(false))).isEqualTo(GENESIS_COINBASE);
        assertThat(cb.serialize(true)).isEqualTo(cb.serialize(false));
        assertThat(cb.isCoinbase()).isTrue();
        assertThat(cb.outputs().get(0).value()).isEqualTo(5_000_000_000L);
        assertThat(Hex.toRpc(cb.txid())).isEqualTo("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
        assertThat(cb.wtxid()).isEqualTo(cb.txid());
        byte[] root = Merkle.root(List.of(cb.txid()));
        BlockHeader main = new BlockHeader(1, new byte[32], root, 1231006505L, 0x1d00ffffL, 2083236893L);
        assertThat(Hex.encode(main.serialize())).isEqualTo("01000000" + "00".repeat(32)
                + "3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c");
        assertThat(main.hashHex()).isEqualTo("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
        BlockHeader regtest = new BlockHeader(1, new byte[32], root, 1296688602L, 0x207fffffL, 2);
        assertThat(regtest.hashHex()).isEqualTo("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
        Block block = new Block(main, List.of(cb));
        assertThat(Block.parse(block.serialize())).isEqualTo(block);
        assertThat(block.computeMerkleRoot()).isEqualTo(root);
    }

    static List<byte[]> vectorCTxids() {
        return List.of(Hex.fromRpc("1f93b34ff74ec41a4c248c585b219f9dbdf391247d903cd19ee07b20dd876caf"),
                Hex.fromRpc("0b518211cd10ce735c8032510d62331594f2f7b08b22e23217e680fff5d67c8e"),
                Hex.fromRpc("280a6d12a976863c69bed2f13dea4ad73c2a650d3cd3e3db25f33f0df02ca539"));
    }

    @Test
    void vectorC_witnessCommitmentBranchAndShare() {
        List<byte[]> wtxids = List.of(Hex.fromRpc("1f93b34ff74ec41a4c248c585b219f9dbdf391247d903cd19ee07b20dd876caf"),
                Hex.fromRpc("7a094fc171aad26c8b20d24ccfce18a787642977e2c3801ad1c3a7fef59d7a54"),
                Hex.fromRpc("9a8868471afa290555a7398a3fe3f3ebe6944d1d2cb52bea80fd9ea4d40b98ad"));
        List<byte[]> wleaves = new ArrayList<>();
        wleaves.add(new byte[32]);
        wleaves.addAll(wtxids);
        assertThat(Hex.encode(Merkle.root(wleaves)))
                .isEqualTo("3765ec0d6eec47e10aea70cd5fb4632798432898c66e513027d3ba9a16509cd5");
        byte[] commitment = Witness.commitmentHash(wtxids);
        assertThat(Hex.encode(Witness.commitmentScript(commitment)))
                .isEqualTo("6a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288eced314384");

        List<byte[]> branch = Merkle.coinbaseBranch(vectorCTxids());
        assertThat(branch).hasSize(2);
        assertThat(Hex.encode(branch.get(0))).isEqualTo("af6c87dd207be09ed13c907d2491f3bd9d9f215b588c244c1ac44ef74fb3931f");
        assertThat(Hex.encode(branch.get(1))).isEqualTo("d4d15a484edf09e8d7117fb7012086a84a4e0deb4ea4f9d58563fe1f34e653b1");

        // coinb1 built from primitives
        byte[] scriptSigHead = new ByteWriter().bytes(Script.bip34Height(840000))
                .bytes(Script.push("/JPool/".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).u8(8).toByteArray();
        byte[] coinb1 = new ByteWriter().u32(2).varInt(1).bytes(new byte[32]).u32(0xffffffffL)
                .varInt(scriptSigHead.length + 8).bytes(scriptSigHead).toByteArray();
        assertThat(Hex.encode(coinb1)).isEqualTo(COINB1);
        byte[] payout = Hex.decode("0014751e76e8199196d454941c45d1b3a323f1433bd6");
        byte[] coinb2 = new ByteWriter().u32(0xfffffffeL).varInt(2).u64(313734567L).varBytes(payout).u64(0)
                .varBytes(Witness.commitmentScript(commitment)).u32(839999).toByteArray();
        assertThat(Hex.encode(coinb2)).isEqualTo(COINB2);

        byte[] coinbase = Hex.decode(COINB1 + "8d3b5a1c" + "0000002b" + COINB2);
        assertThat(coinbase).hasSize(150);
        Transaction cbTx = Transaction.parse(coinbase);
        assertThat(Hex.encode(cbTx.txid())).isEqualTo("e7021e0a1fbc3f791c6711e78abd25d85fcdc259ae07ae7e635c387eabdb83f5");
        assertThat(Sha256d.hash(coinbase)).isEqualTo(cbTx.txid());
        assertThat(Hex.encode(Sha256d.hashPair(cbTx.txid(), branch.get(0))))
                .isEqualTo("d72ac32c2d17cf9e59d8c5659e27c6631c9e2ef13689bef11d20f7bf7ad01f3a");
        byte[] root = Merkle.rootFromBranch(cbTx.txid(), branch);
        assertThat(Hex.encode(root)).isEqualTo("c77a0cd12ea8c4acd45750b2372bd0b39cbc2e00f7ea63fd5337c1e54ce0abb6");
        List<byte[]> all = new ArrayList<>();
        all.add(cbTx.txid());
        all.addAll(vectorCTxids());
        assertThat(Merkle.root(all)).isEqualTo(root);

        // vector (f): version rolling
        long mask = 0x1fffe000L;
        long versionBits = StratumEncoding.parseHex32("00a00000");
        assertThat(versionBits & ~mask & 0xffffffffL).isZero();
        assertThat(0x40000000L & ~mask & 0xffffffffL).isNotZero();
        int version = (int) ((0x20000000L & ~mask) | (versionBits & mask));
        assertThat(version).isEqualTo(0x20a00000);

        BlockHeader h = new BlockHeader(version,
                StratumEncoding.parsePrevHash("48d12fc652e38479ff9c03b4236097d448050f15000251eb0000000000000000"),
                root, StratumEncoding.parseHex32("662307b7"), StratumEncoding.parseHex32("17034219"),
                StratumEncoding.parseHex32("7bec501e"));
        assertThat(Hex.encode(h.serialize())).isEqualTo("0000a020c62fd1487984e352b4039cffd4976023150f0548eb5102000000000000000000"
                + "c77a0cd12ea8c4acd45750b2372bd0b39cbc2e00f7ea63fd5337c1e54ce0abb6b7072366194203171e50ec7b");
        assertThat(Hex.encode(h.hash())).isEqualTo("91795cbb4cf9334fd34862a251b44e1e27f7a24478bf52cbcd3be0b300000000");
        assertThat(h.hashHex()).isEqualTo("00000000b3e03bcdcb52bf7844a2f7271e4eb451a26248d34f33f94cbb5c7991");
        assertThat(Target.hashDifficulty(h.hash())).isEqualTo(1.423181626391509);
        assertThat(Target.meets(h.hash(), Target.fromDifficulty(1))).isTrue();
        assertThat(Target.meets(h.hash(), Target.fromCompact(h.bits()))).isFalse();

        byte[] witnessForm = Witness.coinbaseWithReservedValue(coinbase);
        assertThat(witnessForm).hasSize(186);
        assertThat(Hex.encode(witnessForm)).isEqualTo("020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff150340d10c"
                + "072f4a506f6f6c2f088d3b5a1c0000002bfeffffff02a735b31200000000160014751e76e8199196d454941c45d1b3a3"
                + "23f1433bd60000000000000000266a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288ec"
                + "ed314384012000000000000000000000000000000000000000000000000000000000000000003fd10c00");
        Transaction parsedWitness = Transaction.parse(witnessForm);
        assertThat(parsedWitness.txid()).isEqualTo(cbTx.txid());
        assertThat(parsedWitness.wtxid()).isNotEqualTo(cbTx.txid());
        assertThat(parsedWitness.serialize(false)).isEqualTo(coinbase);
    }

    @Test
    void merkleOddLevelsDuplicateLastHash() {
        byte[] a = Sha256d.hash(new byte[] {1});
        byte[] b = Sha256d.hash(new byte[] {2});
        byte[] c = Sha256d.hash(new byte[] {3});
        assertThat(Merkle.root(List.of(a))).isEqualTo(a);
        assertThat(Merkle.root(List.of(a, b, c)))
                .isEqualTo(Sha256d.hashPair(Sha256d.hashPair(a, b), Sha256d.hashPair(c, c)));
        assertThat(Merkle.coinbaseBranch(List.of())).isEmpty();
        assertThat(Merkle.rootFromBranch(a, List.of())).isEqualTo(a);
        // branch of leaf 0 reproduces the full root for every size 1..20
        List<byte[]> leaves = new ArrayList<>();
        for (int n = 1; n <= 20; n++) {
            leaves.add(Sha256d.hash(new byte[] {(byte) n, 9}));
            List<byte[]> rest = leaves.subList(1, leaves.size());
            List<byte[]> branch = Merkle.coinbaseBranch(rest);
            assertThat(branch).hasSize(32 - Integer.numberOfLeadingZeros(n - 1));
            assertThat(Merkle.rootFromBranch(leaves.get(0), branch)).as("n=%d", n).isEqualTo(Merkle.root(leaves));
        }
        assertThatThrownBy(() -> Merkle.root(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vectorG_regtestBlockAtHeight1() {
        byte[] scriptSig = new ByteWriter().bytes(Script.bip34Height(1))
                .bytes(Script.push("/JPool/".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .bytes(Script.push(Hex.decode("8d3b5a1c00000001"))).toByteArray();
        assertThat(Hex.encode(scriptSig)).isEqualTo("51072f4a506f6f6c2f088d3b5a1c00000001");
        byte[] commitment = Witness.commitmentHash(List.of());
        assertThat(Hex.encode(Witness.commitmentScript(commitment)))
                .isEqualTo("6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9");
        byte[] payout = Hex.decode("0014751e76e8199196d454941c45d1b3a323f1433bd6");
        Transaction cb = new Transaction(2,
                List.of(new Transaction.Input(new byte[32], 0xffffffffL, scriptSig, 0xfffffffeL, List.of(new byte[32]))),
                List.of(new Transaction.Output(5_000_000_000L, payout),
                        new Transaction.Output(0, Witness.commitmentScript(commitment))),
                0);
        assertThat(Hex.encode(cb.serialize(false))).isEqualTo("02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff1251072f4a506f"
                + "6f6c2f088d3b5a1c00000001feffffff0200f2052a01000000160014751e76e8199196d454941c45d1b3a323f1433bd6"
                + "0000000000000000266a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf900"
                + "000000");
        assertThat(Hex.toRpc(cb.txid())).isEqualTo("ebbc0a98fc9fc3f4396c79f5bcac2a0b844102b55e5e403d43b05409c3f0f629");
        assertThat(Hex.toRpc(cb.wtxid())).isEqualTo("5cfca2364028986e2c71e2ba63298caf5c83245c042e7454e788c2d9c8b3c253");
        BlockHeader h = new BlockHeader(0x20000000,
                Hex.fromRpc("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
                Merkle.root(List.of(cb.txid())), 1700000000L, 0x207fffffL, 0);
        assertThat(h.hashHex()).isEqualTo("50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600");
        assertThat(Target.meets(h.hash(), Target.fromCompact(h.bits()))).isTrue();
        Block block = new Block(h, List.of(cb));
        byte[] bytes = block.serialize();
        assertThat(bytes).hasSize(264);
        assertThat(Hex.encode(bytes)).isEqualTo(REGTEST_BLOCK);
        assertThat(block.weight()).isEqualTo(948);
        assertThat(Block.assemble(h, cb.serialize(true), List.of())).isEqualTo(bytes);
        assertThat(Block.assemble(h, Witness.coinbaseWithReservedValue(cb.serialize(false)), List.of()))
                .isEqualTo(bytes);
        Block parsed = Block.parse(Hex.decode(REGTEST_BLOCK));
        assertThat(parsed).isEqualTo(block);
        assertThat(parsed.computeMerkleRoot()).isEqualTo(h.merkleRoot());
    }

    @Test
    void parseRejectsTruncatedAndGarbageInput() {
        byte[] good = Hex.decode(GENESIS_COINBASE);
        for (int len = 0; len < good.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            assertThatThrownBy(() -> Transaction.parse(cut)).as("len=%d", len).isInstanceOf(ParseException.class);
        }
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> Transaction.parse(trailing)).hasMessageContaining("trailing");
        // absurd input count must not allocate: ff + 8 bytes
        assertThatThrownBy(() -> Transaction.parse(Hex.decode("01000000ffffffffffffffff7f00")))
                .isInstanceOf(ParseException.class).hasMessageContaining("input count");
        assertThatThrownBy(() -> Transaction.parse(Hex.decode("010000000002")))
                .hasMessageContaining("flag");
        assertThatThrownBy(() -> Transaction.parse(Hex.decode("010000000000")))
                .hasMessageContaining("no inputs");
        assertThatThrownBy(() -> Transaction.parseHex("zz")).isInstanceOf(ParseException.class);
        // marker/flag with all-empty witnesses is rejected like Core does
        Transaction plain = Transaction.parse(good);
        byte[] superfluous = new ByteWriter().u32(1).u8(0).u8(1).bytes(java.util.Arrays.copyOfRange(good, 4, good.length - 4))
                .u8(0).u32(0).toByteArray();
        assertThatThrownBy(() -> Transaction.parse(superfluous)).hasMessageContaining("superfluous");
        assertThat(plain.weight()).isEqualTo(4 * good.length);
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[rnd.nextInt(300)];
            rnd.nextBytes(junk);
            try {
                Transaction.parse(junk);
            } catch (ParseException expected) {
                // the only allowed failure type
            }
            try {
                Block.parse(junk);
            } catch (ParseException expected) {
                // the only allowed failure type
            }
        }
        byte[] blockBytes = Hex.decode(REGTEST_BLOCK);
        assertThatThrownBy(() -> Block.parse(java.util.Arrays.copyOf(blockBytes, blockBytes.length - 1)))
                .isInstanceOf(ParseException.class);
    }
}
