package org.jckpool.libpool.bitcoin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** An immutable Bitcoin transaction with optional BIP144 witness data. */
public final class Transaction {
    /** Smallest possible serialised input (32 + 4 + 1 + 4) and output (8 + 1), to bound counts before allocating. */
    private static final int MIN_INPUT_SIZE = 41;
    private static final int MIN_OUTPUT_SIZE = 9;

    /** One input; {@code prevHash} in internal order, {@code witness} empty when the input has none. */
    public record Input(byte[] prevHash, long prevIndex, byte[] scriptSig, long sequence, List<byte[]> witness) {
        public Input {
            Objects.requireNonNull(prevHash, "prevHash");
            Objects.requireNonNull(scriptSig, "scriptSig");
            if (prevHash.length != 32) {
                throw new IllegalArgumentException("prevHash must be 32 bytes");
            }
            prevHash = prevHash.clone();
            scriptSig = scriptSig.clone();
            witness = witness == null ? List.of() : witness.stream().map(byte[]::clone).toList();
        }

        public Input(byte[] prevHash, long prevIndex, byte[] scriptSig, long sequence) {
            this(prevHash, prevIndex, scriptSig, sequence, List.of());
        }

        @Override
        public byte[] prevHash() {
            return prevHash.clone();
        }

        @Override
        public byte[] scriptSig() {
            return scriptSig.clone();
        }

        @Override
        public List<byte[]> witness() {
            return witness.stream().map(byte[]::clone).toList();
        }

        /** True for the null prevout (32 zero bytes, index 0xffffffff) of a coinbase. */
        public boolean isCoinbase() {
            return prevIndex == 0xffffffffL && Arrays.equals(prevHash, new byte[32]);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Input i) || prevIndex != i.prevIndex || sequence != i.sequence
                    || !Arrays.equals(prevHash, i.prevHash) || !Arrays.equals(scriptSig, i.scriptSig)
                    || witness.size() != i.witness.size()) {
                return false;
            }
            for (int k = 0; k < witness.size(); k++) {
                if (!Arrays.equals(witness.get(k), i.witness.get(k))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(prevHash), prevIndex, Arrays.hashCode(scriptSig), sequence);
        }

        @Override
        public String toString() {
            return "Input[" + Hex.toRpc(prevHash) + ":" + prevIndex + ", scriptSig=" + Hex.encode(scriptSig)
                    + ", sequence=" + Long.toHexString(sequence) + ", witnessItems=" + witness.size() + "]";
        }
    }

    /** One output: value in satoshis and scriptPubKey. */
    public record Output(long value, byte[] script) {
        public Output {
            Objects.requireNonNull(script, "script");
            script = script.clone();
        }

        @Override
        public byte[] script() {
            return script.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Output x && value == x.value && Arrays.equals(script, x.script);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value) * 31 + Arrays.hashCode(script);
        }

        @Override
        public String toString() {
            return "Output[" + value + " sat, " + Hex.encode(script) + "]";
        }
    }

    private final int version;
    private final List<Input> inputs;
    private final List<Output> outputs;
    private final long lockTime;

    public Transaction(int version, List<Input> inputs, List<Output> outputs, long lockTime) {
        this.version = version;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.lockTime = lockTime;
    }

    public int version() {
        return version;
    }

    public List<Input> inputs() {
        return inputs;
    }

    public List<Output> outputs() {
        return outputs;
    }

    public long lockTime() {
        return lockTime;
    }

    public boolean hasWitness() {
        for (Input in : inputs) {
            if (!in.witness.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    public boolean isCoinbase() {
        return inputs.size() == 1 && inputs.get(0).isCoinbase();
    }

    /** Serialisation; with {@code withWitness} and some witness present, the BIP144 form (marker 00, flag 01). */
    public byte[] serialize(boolean withWitness) {
        ByteWriter w = new ByteWriter(256);
        write(w, withWitness);
        return w.toByteArray();
    }

    public void write(ByteWriter w, boolean withWitness) {
        boolean segwit = withWitness && hasWitness();
        w.u32(version);
        if (segwit) {
            w.u8(0).u8(1);
        }
        w.varInt(inputs.size());
        for (Input in : inputs) {
            w.bytes(in.prevHash).u32(in.prevIndex).varBytes(in.scriptSig).u32(in.sequence);
        }
        w.varInt(outputs.size());
        for (Output out : outputs) {
            w.u64(out.value).varBytes(out.script);
        }
        if (segwit) {
            for (Input in : inputs) {
                w.varInt(in.witness.size());
                for (byte[] item : in.witness) {
                    w.varBytes(item);
                }
            }
        }
        w.u32(lockTime);
    }

    /** Hash of the non-witness serialisation, internal order. */
    public byte[] txid() {
        return Sha256d.hash(serialize(false));
    }

    /** Hash of the witness serialisation (equals txid without witness), internal order. */
    public byte[] wtxid() {
        return Sha256d.hash(serialize(true));
    }

    /** Size in bytes with witness. */
    public int size() {
        return serialize(true).length;
    }

    /** BIP141 weight: 3 × stripped size + total size. */
    public int weight() {
        return 3 * serialize(false).length + serialize(true).length;
    }

    /** Parses one whole transaction; trailing bytes, truncation or malformed fields throw {@link ParseException}. */
    public static Transaction parse(byte[] bytes) {
        ByteReader r = new ByteReader(bytes);
        Transaction tx = read(r);
        if (!r.atEnd()) {
            throw new ParseException(r.remaining() + " unexpected trailing bytes after transaction");
        }
        return tx;
    }

    public static Transaction parseHex(String hex) {
        try {
            return parse(Hex.decode(hex));
        } catch (ParseException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ParseException("transaction hex: " + e.getMessage());
        }
    }

    /** Reads one transaction from the reader (as Core: an input count of 0 introduces the marker/flag). */
    public static Transaction read(ByteReader r) {
        int version = (int) r.u32();
        int inCount = r.varLength(r.remaining() / MIN_INPUT_SIZE, "input count");
        boolean segwit = false;
        if (inCount == 0) {
            int flag = r.u8();
            if (flag != 1) {
                throw new ParseException(flag == 0 ? "transaction has no inputs"
                        : "unknown transaction flag byte 0x" + Integer.toHexString(flag));
            }
            segwit = true;
            inCount = r.varLength(r.remaining() / MIN_INPUT_SIZE, "input count");
            if (inCount == 0) {
                throw new ParseException("transaction has no inputs");
            }
        }
        List<byte[]> prevHashes = new ArrayList<>(inCount);
        long[] prevIndexes = new long[inCount];
        List<byte[]> scripts = new ArrayList<>(inCount);
        long[] sequences = new long[inCount];
        for (int i = 0; i < inCount; i++) {
            prevHashes.add(r.bytes(32));
            prevIndexes[i] = r.u32();
            scripts.add(r.varBytes());
            sequences[i] = r.u32();
        }
        int outCount = r.varLength(r.remaining() / MIN_OUTPUT_SIZE, "output count");
        List<Output> outputs = new ArrayList<>(outCount);
        for (int i = 0; i < outCount; i++) {
            long value = r.u64();
            outputs.add(new Output(value, r.varBytes()));
        }
        List<List<byte[]>> witnesses = new ArrayList<>(inCount);
        boolean anyWitness = false;
        for (int i = 0; i < inCount; i++) {
            List<byte[]> items = new ArrayList<>();
            if (segwit) {
                int n = r.varLength(r.remaining(), "witness item count");
                for (int k = 0; k < n; k++) {
                    items.add(r.varBytes());
                }
                anyWitness |= n > 0;
            }
            witnesses.add(items);
        }
        if (segwit && !anyWitness) {
            throw new ParseException("superfluous witness record: marker/flag set but every witness is empty");
        }
        long lockTime = r.u32();
        List<Input> inputs = new ArrayList<>(inCount);
        for (int i = 0; i < inCount; i++) {
            inputs.add(new Input(prevHashes.get(i), prevIndexes[i], scripts.get(i), sequences[i], witnesses.get(i)));
        }
        return new Transaction(version, inputs, outputs, lockTime);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transaction t && version == t.version && lockTime == t.lockTime
                && inputs.equals(t.inputs) && outputs.equals(t.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, inputs, outputs, lockTime);
    }

    @Override
    public String toString() {
        return "Transaction[txid=" + Hex.toRpc(txid()) + ", version=" + version + ", inputs=" + inputs
                + ", outputs=" + outputs + ", lockTime=" + lockTime + "]";
    }
}
