package org.jckpool.libpool.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/PROTOCOL.md §10 (h) plus the BIP173 and BIP350 test vectors. */
class AddressTest {
    @ParameterizedTest
    @CsvSource({
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,MAIN,76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac",
        "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt,TEST,76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac",
        "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt,SIGNET,76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac",
        "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt,REGTEST,76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy,MAIN,a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87",
        "2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he,TEST,a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87",
        "2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he,REGTEST,a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87",
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4,MAIN,0014751e76e8199196d454941c45d1b3a323f1433bd6",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4,MAIN,0014751e76e8199196d454941c45d1b3a323f1433bd6",
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx,TEST,0014751e76e8199196d454941c45d1b3a323f1433bd6",
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx,SIGNET,0014751e76e8199196d454941c45d1b3a323f1433bd6",
        "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080,REGTEST,0014751e76e8199196d454941c45d1b3a323f1433bd6",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7,TEST,00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0,MAIN,512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        "bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6,REGTEST,512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y,MAIN,5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
        "BC1SW50QGDZ25J,MAIN,6002751e",
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs,MAIN,5210751e76e8199196d454941c45d1b3a323",
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy,TEST,0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c,TEST,5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    })
    void validAddresses(String address, Network net, String script) {
        assertThat(Hex.encode(Address.toScript(address, net))).isEqualTo(script);
        assertThat(Address.isValid(address, net)).isTrue();
    }

    @Test
    void networksOfAnAddress() {
        assertThat(Address.networksOf("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")).containsExactly(Network.MAIN);
        assertThat(Address.networksOf("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")).containsExactly(Network.MAIN);
        assertThat(Address.networksOf("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"))
                .containsExactlyInAnyOrder(Network.TEST, Network.SIGNET);
        assertThat(Address.networksOf("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"))
                .containsExactly(Network.REGTEST);
        assertThat(Address.networksOf("mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt"))
                .containsExactlyInAnyOrder(Network.TEST, Network.SIGNET, Network.REGTEST);
        assertThat(Address.networksOf("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")).isEmpty();
        assertThat(Address.networksOf("")).isEmpty();
        assertThat(Address.networksOf(null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb|MAIN|checksum mismatch",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5|MAIN|bad bech32/bech32m checksum",
        "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut|MAIN|wrong HRP \"tc\"",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd|MAIN|v1+ needs bech32m",
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf|TEST|v1+ needs bech32m",
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL|MAIN|v1+ needs bech32m",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh|MAIN|v0 needs bech32",
        "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47|TEST|v0 needs bech32",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx|MAIN|v1+ needs bech32m",
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4|MAIN|invalid bech32 character 'o'",
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R|MAIN|witness version 17 > 16",
        "bc1pw5dgrnzv|MAIN|witness program of 1 bytes",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav|MAIN|witness program of 41 bytes",
        "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P|MAIN|v0 witness program of 16 bytes",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq|TEST|mixed upper and lower case",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7|TEST|mixed upper and lower case",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf|MAIN|more than 4 padding bits",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j|TEST|non-zero padding",
        "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du|MAIN|padding",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv|TEST|padding",
        "bc1gmk9yu|MAIN|empty data",
        "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty|MAIN|wrong HRP",
        "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2|MAIN|witness version 17",
        "bc1rw5uspcuh|MAIN|witness program of 1 bytes",
        "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90|MAIN|witness program of 41 bytes",
        // right format, wrong network
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx|MAIN|wrong network",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4|REGTEST|wrong network",
        "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080|TEST|wrong network",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa|TEST|version byte 0x00",
        "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt|MAIN|version byte 0x6f",
        "2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he|MAIN|version byte 0xc4",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy|REGTEST|version byte 0x05",
        "0OIl|MAIN|invalid base58 character",
        "1111|MAIN|checksum mismatch",
    })
    void invalidAddresses(String address, Network net, String reason) {
        assertThatThrownBy(() -> Address.toScript(address, net)).isInstanceOf(AddressException.class)
                .hasMessageContaining(reason);
        assertThat(Address.isValid(address, net)).isFalse();
    }

    @Test
    void emptyAndNullAddressesAreRejected() {
        assertThatThrownBy(() -> Address.toScript("", Network.MAIN)).hasMessageContaining("empty");
        assertThatThrownBy(() -> Address.toScript(null, Network.MAIN)).hasMessageContaining("empty");
        assertThatThrownBy(() -> Address.toScript("x".repeat(500), Network.MAIN)).isInstanceOf(AddressException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"A12UEL5L", "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"})
    void bip173ValidBech32Strings(String s) {
        Bech32.Decoded d = Bech32.decode(s);
        assertThat(d.encoding()).isEqualTo(Bech32.Encoding.BECH32);
        assertThat(Bech32.encode(d.hrp(), d.data(), d.encoding())).isEqualTo(s.toLowerCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"A1LQFN3A", "a1lqfn3a",
        "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
        "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"})
    void bip350ValidBech32mStrings(String s) {
        Bech32.Decoded d = Bech32.decode(s);
        assertThat(d.encoding()).isEqualTo(Bech32.Encoding.BECH32M);
        assertThat(Bech32.encode(d.hrp(), d.data(), d.encoding())).isEqualTo(s.toLowerCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {" 1nwldj5", "\u007f1axkwrx", "\u00801eym55h",
        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
        "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "de1lg7wt\u00ff", "A1G7SGD8", "10a06t8", "1qzzfhee",
        // BIP350 invalid bech32m strings
        " 1xj0phk", "\u007f1g6xzxy", "\u00801vctc34",
        "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
        "qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0", "in1muywd", "mm1crxm3i", "au1s5cgom",
        "M1VUXWEZ", "16plkw9", "1p2gdwpf"})
    void invalidBech32Strings(String s) {
        assertThatThrownBy(() -> Bech32.decode(s)).isInstanceOf(AddressException.class);
    }

    @Test
    void maximumLengthStrings() {
        String b32 = "11" + "q".repeat(82) + "c8247j";
        String b32m = "11" + "l".repeat(83) + "udsr8";
        assertThat(b32).hasSize(90);
        assertThat(Bech32.decode(b32).encoding()).isEqualTo(Bech32.Encoding.BECH32);
        assertThat(Bech32.decode(b32m).encoding()).isEqualTo(Bech32.Encoding.BECH32M);
        assertThat(Bech32.encode("1", Bech32.decode(b32m).data(), Bech32.Encoding.BECH32M)).isEqualTo(b32m);
        assertThatThrownBy(() -> Bech32.decode("1" + b32)).hasMessageContaining("too long");
    }

    @Test
    void checksumSelfTestsFromProtocolDoc() {
        assertThat(Bech32.decode("a12uel5l").encoding()).isEqualTo(Bech32.Encoding.BECH32);
        assertThat(Bech32.decode("a1lqfn3a").encoding()).isEqualTo(Bech32.Encoding.BECH32M);
        assertThat(Bech32.decode("a1lqfn3a").data()).isEmpty();
    }

    @Test
    void encodersRoundTrip() {
        byte[] h = Hex.decode("62e907b15cbf27d5425399ebf6f0fb50ebb88f18");
        assertThat(Address.p2pkh(h, Network.MAIN)).isEqualTo("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
        assertThat(Address.p2pkh(h, Network.TEST)).isEqualTo("mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt");
        byte[] s = Hex.decode("b472a266d0bd89c13706a4132ccfb16f7c3b9fcb");
        assertThat(Address.p2sh(s, Network.MAIN)).isEqualTo("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
        assertThat(Address.p2sh(s, Network.REGTEST)).isEqualTo("2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he");
        byte[] p = Hex.decode("751e76e8199196d454941c45d1b3a323f1433bd6");
        assertThat(Address.segwit(0, p, Network.REGTEST)).isEqualTo("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080");
        byte[] tr = Hex.decode("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        assertThat(Address.segwit(1, tr, Network.MAIN))
                .isEqualTo("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0");
        assertThat(Base58.decode("1111")).containsExactly(0, 0, 0, 0);
        assertThat(Base58.encode(new byte[] {0, 0, 1})).isEqualTo("112");
        assertThat(Base58.decode("112")).containsExactly(0, 0, 1);
    }

    @Test
    void networkFromChainName() {
        assertThat(Network.fromChainName("main")).isEqualTo(Network.MAIN);
        assertThat(Network.fromChainName("test")).isEqualTo(Network.TEST);
        assertThat(Network.fromChainName("testnet4")).isEqualTo(Network.TEST);
        assertThat(Network.fromChainName("signet")).isEqualTo(Network.SIGNET);
        assertThat(Network.fromChainName("REGTEST")).isEqualTo(Network.REGTEST);
        assertThat(Network.REGTEST.hrp()).isEqualTo("bcrt");
        assertThat(Network.SIGNET.hrp()).isEqualTo("tb");
        assertThatThrownBy(() -> Network.fromChainName("litecoin")).hasMessageContaining("unknown chain");
    }
}
