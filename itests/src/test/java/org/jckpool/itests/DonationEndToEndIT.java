package org.jckpool.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ckpool.conf with {@code donation} and {@code donaddress}: a block found through the whole suite carries the
 * donation output, adds up to the template's coinbasevalue, and the simulated node (which refuses a coinbase
 * claiming more than subsidy + fees with bad-cb-amount) takes it as its tip.
 */
class DonationEndToEndIT {
    static final String DONADDRESS = "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt";
    static final String WORKER = MiningSuite.ADDRESS + ".rig1";

    @TempDir
    Path dir;

    @Test
    void blockWithDonationOutputIsAcceptedByTheNode() throws Exception {
        String conf = "\"mindiff\":0.0001,\"startdiff\":0.001,\"highdiff\":0.001,\"donation\":1.5,\"donaddress\":\"" + DONADDRESS + "\"";
        try (MiningSuite suite = new MiningSuite(dir, "don", null, conf)) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            assertThat(suite.poolLog()).contains("donation: 1.5% of each block's coinbase value", DONADDRESS);
            long height0 = suite.rpc.getBlockCount();
            long coinbaseValue = suite.rpc.getBlockTemplate().get("coinbasevalue").asLong();

            PoolProcesses.Result miner = suite.testminer("-u", WORKER, "-p", "x", "-t", "1", "--max-shares", "1",
                    "--duration", "20", "--status-interval", "0");
            assertThat(miner.out()).as(miner.out()).contains("ACCEPTED 1 ", "BLOCK ");
            assertThat(Await.within(15_000, () -> suite.rpc.getBlockCount() > height0))
                    .as("the node's chain grew; log:\n%s", suite.poolLog()).isTrue();

            String hash = suite.rpc.getBlockHash(height0 + 1);
            Block block = Block.parse(Hex.decode(suite.rpc.call("getblock", hash, 0).asText()));
            List<Transaction.Output> out = block.transactions().get(0).outputs();
            long donation = coinbaseValue * 15 / 1000; // 1.5 %, rounded down
            assertThat(out).hasSize(3);
            assertThat(Hex.encode(out.get(0).script()))
                    .isEqualTo(Hex.encode(Address.toScript(MiningSuite.ADDRESS, Network.REGTEST)));
            assertThat(out.get(0).value()).isEqualTo(coinbaseValue - donation);
            assertThat(Hex.encode(out.get(1).script()))
                    .isEqualTo(Hex.encode(Address.toScript(DONADDRESS, Network.REGTEST)));
            assertThat(out.get(1).value()).isEqualTo(donation).isPositive();
            assertThat(Hex.encode(out.get(2).script())).startsWith("6a24aa21a9ed");
            assertThat(out.stream().mapToLong(Transaction.Output::value).sum()).isEqualTo(coinbaseValue);
            assertThat(Await.within(10_000, () -> {
                try {
                    return suite.poolLog().contains("BLOCK ACCEPTED height " + (height0 + 1));
                } catch (java.io.IOException e) {
                    return false;
                }
            })).as("stratifier logs the accepted block").isTrue();
        }
    }
}
