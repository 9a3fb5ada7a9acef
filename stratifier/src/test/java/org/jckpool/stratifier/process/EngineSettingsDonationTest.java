package org.jckpool.stratifier.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.suite.config.ConfigLoader;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.EngineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ckpool.conf's donation and donaddress → the WorkConfig the coinbase is built from, and what is logged. */
class EngineSettingsDonationTest {
    static final String REGTEST_PAYOUT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    /** Regtest uses testnet's base58 version bytes: P2PKH of hash160 62e907b1…. */
    static final String DONADDRESS = "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt";
    static final String DONATION_SCRIPT = "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac";

    @TempDir
    Path dir;
    Path logFile;

    @BeforeEach
    void logToFile() throws Exception {
        logFile = dir.resolve("stratifier.log");
        Log.init("stratifier", logFile, Log.INFO);
    }

    @AfterEach
    void closeLog() {
        Log.close();
        Log.setLevel(Log.DEFAULT_LEVEL);
    }

    private EngineConfig settings(String extraJson, boolean solo) throws Exception {
        String payout = solo ? "" : "\"btcaddress\":\"" + REGTEST_PAYOUT + "\"";
        String sep = payout.isEmpty() || extraJson.isEmpty() ? "" : ",";
        PoolConfig cfg = ConfigLoader.parse("{" + payout + sep + extraJson + "}");
        return EngineSettings.from(cfg, solo);
    }

    private String logged() throws Exception {
        return Files.readString(logFile);
    }

    @Test
    void donationWithAnAddressIsPaid() throws Exception {
        EngineConfig ec = settings("\"donation\":1.5,\"donaddress\":\"" + DONADDRESS + "\"", false);
        assertThat(ec.work().donationPercent()).isEqualTo(1.5);
        assertThat(Hex.encode(ec.work().donationScript())).isEqualTo(DONATION_SCRIPT);
        assertThat(logged()).contains("donation: 1.5% of each block's coinbase value").contains(DONADDRESS);
    }

    @Test
    void soloModePaysTheDonationToo() throws Exception {
        EngineConfig ec = settings("\"donation\":2,\"donaddress\":\"" + DONADDRESS + "\"", true);
        assertThat(ec.solo()).isTrue();
        assertThat(ec.work().donationPercent()).isEqualTo(2);
        assertThat(Hex.encode(ec.work().donationScript())).isEqualTo(DONATION_SCRIPT);
    }

    @Test
    void donationWithoutAnAddressIsNotPaidAndSaysSoOnce() throws Exception {
        EngineConfig ec = settings("\"donation\":0.5", false);
        assertThat(ec.work().donationPercent()).isZero();
        assertThat(ec.work().donationScript()).isNull();
        String log = logged();
        assertThat(log).contains("donation 0.5% is set but there is no \"donaddress\": no donation is paid");
        assertThat(log.split("no donation is paid", -1)).hasSize(2);
    }

    @Test
    void anAddressWithoutDonationPaysNothing() throws Exception {
        EngineConfig ec = settings("\"donaddress\":\"" + DONADDRESS + "\"", false);
        assertThat(ec.work().donationPercent()).isZero();
        assertThat(ec.work().donationScript()).isNull();
        assertThat(logged()).contains("donation is 0: no donation is paid");
    }

    @Test
    void noDonationKeysLogNothingAboutDonations() throws Exception {
        EngineConfig ec = settings("", false);
        assertThat(ec.work().donationScript()).isNull();
        assertThat(logged()).doesNotContain("donation");
    }
}
