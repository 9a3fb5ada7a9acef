package org.jckpool.stratifier.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The coinbase's outputs with a donation: values, scripts, order, and that they add up to coinbasevalue. */
class DonationCoinbaseTest {
    static final byte[] PAYOUT = WorkTest.PAYOUT;
    /** P2PKH of 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa. */
    static final byte[] DONATION = Hex.decode("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");
    static final String COMMITMENT_PREFIX = "6a24aa21a9ed";

    static Template template(long coinbaseValue, boolean commitment) throws Exception {
        ObjectNode t = WorkTest.template(300);
        t.put("coinbasevalue", coinbaseValue);
        if (!commitment) {
            t.remove("default_witness_commitment");
        }
        return Template.parse(t);
    }

    /** coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2, decoded as a transaction. */
    static Transaction coinbaseTx(CoinbaseParts cb, int n1, int n2) {
        byte[] tx = new byte[cb.length(n1, n2)];
        System.arraycopy(cb.coinb1(), 0, tx, 0, cb.coinb1().length);
        System.arraycopy(cb.coinb2(), 0, tx, cb.coinb1().length + n1 + n2, cb.coinb2().length);
        return Transaction.parse(tx);
    }

    static long sum(List<Transaction.Output> outputs) {
        return outputs.stream().mapToLong(Transaction.Output::value).sum();
    }

    @ParameterizedTest(name = "{1}% of {0} sat = {2} sat")
    @CsvSource({
        "5000000000, 0.5, 25000000",
        "5000000000, 2.5, 125000000",
        "313734567, 1, 3137345",     // 3137345.67 rounded down
        "100000, 2.3, 2300",         // binary doubles would give 2299
        "2900000000, 0.7, 20300000", // binary doubles would give 20299999
        "1001, 99.9, 999",           // 999.999 rounded down; the payout keeps 2
        "200, 0.5, 1",
    })
    void donationIsRoundedDownAndOutputsAddUpToTheCoinbaseValue(long value, double percent, long donation)
            throws Exception {
        WorkConfig cfg = new WorkConfig("/t/", 4, 8, percent, DONATION);
        Transaction tx = coinbaseTx(CoinbaseBuilder.build(template(value, true), cfg, PAYOUT), 4, 8);
        List<Transaction.Output> out = tx.outputs();
        assertThat(out).hasSize(3);
        assertThat(Hex.encode(out.get(0).script())).isEqualTo(Hex.encode(PAYOUT));
        assertThat(out.get(0).value()).isEqualTo(value - donation);
        assertThat(Hex.encode(out.get(1).script())).isEqualTo(Hex.encode(DONATION));
        assertThat(out.get(1).value()).isEqualTo(donation);
        assertThat(Hex.encode(out.get(2).script())).startsWith(COMMITMENT_PREFIX);
        assertThat(out.get(2).value()).isZero();
        assertThat(sum(out)).isEqualTo(value);
        assertThat(tx.isCoinbase()).isTrue();
        assertThat(tx.lockTime()).isEqualTo(299);
    }

    @Test
    void withoutAWitnessCommitmentThereAreTwoOutputs() throws Exception {
        WorkConfig cfg = new WorkConfig("", 4, 4, 1.5, DONATION);
        List<Transaction.Output> out = coinbaseTx(CoinbaseBuilder.build(template(625_000_000, false), cfg, PAYOUT),
                4, 4).outputs();
        assertThat(out).extracting(Transaction.Output::value).containsExactly(615_625_000L, 9_375_000L);
        assertThat(Hex.encode(out.get(1).script())).isEqualTo(Hex.encode(DONATION));
    }

    @Test
    void aDonationWorthLessThanOneSatoshiAddsNoOutput() throws Exception {
        WorkConfig cfg = new WorkConfig("", 4, 8, 0.5, DONATION);
        List<Transaction.Output> out = coinbaseTx(CoinbaseBuilder.build(template(199, true), cfg, PAYOUT), 4, 8)
                .outputs();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).value()).isEqualTo(199);
        assertThat(Hex.encode(out.get(1).script())).startsWith(COMMITMENT_PREFIX);
    }

    @Test
    void noDonationOutputWithoutBothAPercentAndAScript() throws Exception {
        for (WorkConfig cfg : List.of(new WorkConfig("", 4, 8, 0, DONATION), new WorkConfig("", 4, 8, 2, null))) {
            List<Transaction.Output> out = coinbaseTx(CoinbaseBuilder.build(template(5_000_000_000L, true), cfg,
                    PAYOUT), 4, 8).outputs();
            assertThat(out).hasSize(2);
            assertThat(out.get(0).value()).isEqualTo(5_000_000_000L);
        }
    }

    @Test
    void everyPayoutScriptOfAWorkBaseCarriesTheDonation() throws Exception {
        // solo mode (-B): one coinbase per miner address, each still pays the donation
        byte[] miner2 = Hex.decode("0014" + "11".repeat(20));
        WorkBase base = new WorkBase(1, template(5_000_000_000L, true), new WorkConfig("", 4, 8, 1, DONATION), 0);
        for (byte[] payout : List.of(PAYOUT, miner2)) {
            List<Transaction.Output> out = coinbaseTx(base.payout(payout).coinbase(), 4, 8).outputs();
            assertThat(Hex.encode(out.get(0).script())).isEqualTo(Hex.encode(payout));
            assertThat(out.get(0).value()).isEqualTo(4_950_000_000L);
            assertThat(Hex.encode(out.get(1).script())).isEqualTo(Hex.encode(DONATION));
            assertThat(out.get(1).value()).isEqualTo(50_000_000L);
        }
    }

    @Test
    void donationSatoshisEdgeCases() {
        assertThat(CoinbaseBuilder.donationSatoshis(0, 50)).isZero();
        assertThat(CoinbaseBuilder.donationSatoshis(2_100_000_000_000_000L, 99.9))
                .isEqualTo(2_097_900_000_000_000L);
        assertThat(CoinbaseBuilder.donationSatoshis(5_000_000_000L, 0)).isZero();
        assertThat(CoinbaseBuilder.donationSatoshis(5_000_000_000L, 0.1)).isEqualTo(5_000_000);
    }

    @Test
    void workConfigRejectsPercentsThatLeaveNoPayout() {
        for (double bad : new double[] {-0.5, 100, 150, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new WorkConfig("", 4, 8, bad, DONATION)).as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("donation");
        }
        assertThatThrownBy(() -> new WorkConfig("", 4, 8, 1, new byte[0])).hasMessageContaining("empty");
    }
}
