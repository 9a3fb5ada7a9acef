package org.jckpool.stratifier.work;

import org.jckpool.libpool.bitcoin.ByteWriter;
import org.jckpool.libpool.bitcoin.Script;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the coinbase of docs/PROTOCOL.md §5: version 2, one null input whose scriptSig is BIP34 height ‖
 * push(tag) ‖ push-opcode ‖ extranonce1 ‖ extranonce2, sequence 0xfffffffe, payout (and optional donation)
 * outputs, the witness commitment last, lock time height − 1 (BIP54 style, as Bitcoin Core's own assembler).
 *
 * <p>Outputs: payout (coinbasevalue − donation), then the donation output when it is worth at least 1 satoshi,
 * then the witness commitment (0 sat). The two paid outputs always add up to the template's coinbasevalue.
 */
public final class CoinbaseBuilder {
    static final int COINBASE_VERSION = 2;
    static final long SEQUENCE = 0xfffffffeL;
    static final int MAX_SCRIPTSIG = 100;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private CoinbaseBuilder() {
    }

    public static CoinbaseParts build(Template t, WorkConfig cfg, byte[] payoutScript) {
        if (payoutScript == null || payoutScript.length == 0) {
            throw new IllegalArgumentException("no payout script");
        }
        byte[] height = Script.bip34Height(t.height());
        int extranonces = cfg.nonce1Length() + cfg.nonce2Length();
        byte[] tag = cfg.coinbaseTag().getBytes(StandardCharsets.UTF_8);
        // Room left for the tag push (length byte + text) inside the 100-byte scriptSig.
        int room = MAX_SCRIPTSIG - height.length - 1 - extranonces - 1;
        if (tag.length > Math.min(room, 75)) {
            tag = Arrays.copyOf(tag, Math.max(0, Math.min(room, 75)));
        }
        int scriptSigLength = height.length + (tag.length > 0 ? 1 + tag.length : 0) + 1 + extranonces;

        ByteWriter c1 = new ByteWriter(64 + scriptSigLength);
        c1.u32(COINBASE_VERSION).u8(1).bytes(new byte[32]).u32(0xffffffffL).varInt(scriptSigLength);
        c1.bytes(height);
        if (tag.length > 0) {
            c1.bytes(Script.push(tag));
        }
        c1.u8(extranonces); // push opcode covering extranonce1 ‖ extranonce2

        long value = t.coinbaseValue();
        long donation = cfg.donationScript() != null ? donationSatoshis(value, cfg.donationPercent()) : 0;
        int outputs = 1 + (donation > 0 ? 1 : 0) + (t.witnessCommitment() != null ? 1 : 0);
        ByteWriter c2 = new ByteWriter(128);
        c2.u32(SEQUENCE).varInt(outputs);
        c2.u64(value - donation).varBytes(payoutScript);
        if (donation > 0) {
            c2.u64(donation).varBytes(cfg.donationScript());
        }
        if (t.witnessCommitment() != null) {
            c2.u64(0).varBytes(t.witnessCommitment());
        }
        c2.u32(t.height() - 1);
        return CoinbaseParts.of(c1.toByteArray(), c2.toByteArray());
    }

    /**
     * floor(value × percent / 100) in exact decimal arithmetic, the percent taken as written in the config
     * (2.3 % of 100000 sat is 2300, where binary doubles give 2299). Rounding down leaves the odd satoshi
     * with the payout output.
     */
    public static long donationSatoshis(long value, double percent) {
        if (percent <= 0 || value <= 0) {
            return 0;
        }
        return BigDecimal.valueOf(value).multiply(BigDecimal.valueOf(percent))
                .divide(HUNDRED, 0, RoundingMode.FLOOR).longValueExact();
    }
}
