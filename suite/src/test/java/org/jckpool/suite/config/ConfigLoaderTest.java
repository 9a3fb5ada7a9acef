package org.jckpool.suite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jckpool.libpool.net.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void emptyObjectGivesCkpoolDefaults() throws Exception {
        PoolConfig c = ConfigLoader.parse("{}");
        assertThat(c.btcd()).containsExactly(new BtcdConfig("localhost:8332", "user", "pass", false));
        assertThat(c.btcaddress()).isNull();
        assertThat(c.btcsig()).isNull();
        assertThat(c.blockpollMs()).isEqualTo(100);
        assertThat(c.donation()).isZero();
        assertThat(c.donaddress()).isNull();
        assertThat(c.nonce1length()).isEqualTo(4);
        assertThat(c.nonce2length()).isEqualTo(8);
        assertThat(c.updateInterval()).isEqualTo(30);
        assertThat(c.versionMask()).isEqualTo(0x1fffe000L);
        assertThat(c.serverurl()).containsExactly(new HostPort("0.0.0.0", 3333));
        assertThat(c.nodeserver()).isEmpty();
        assertThat(c.trusted()).isEmpty();
        assertThat(c.trustedServerIndexes()).isEmpty();
        assertThat(c.listenUrls()).containsExactly(PoolConfig.DEFAULT_SERVERURL);
        assertThat(c.upstream()).isNull();
        assertThat(c.mindiff()).isEqualTo(1);
        assertThat(c.startdiff()).isEqualTo(42);
        assertThat(c.highdiff()).isEqualTo(1_000_000);
        assertThat(c.maxdiff()).isZero();
        assertThat(c.logdir()).isEqualTo("logs");
        assertThat(c.maxclients()).isZero();
        assertThat(c.zmqblock()).isEqualTo("tcp://127.0.0.1:28332");
        assertThat(c.proxy()).isEmpty();
        assertThat(c.redirecturl()).isEmpty();
        assertThat(c.useragent()).isEmpty();
        assertThat(c.dropidle()).isZero();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        PoolConfig c = ConfigLoader.parse("""
                {
                "btcd" : [ {"url":"127.0.0.1:8332","auth":"u1","pass":"p1","notify":true},
                           {"url":"http://10.0.0.2:18443","auth":"u2","pass":"p2"} ],
                "btcaddress" : "bc1qxyz", "btcsig" : "/mined by us/", "blockpoll" : 250, "donation" : 2.5,
                "donaddress" : " 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy ",
                "nonce1length" : 2, "nonce2length" : 6, "update_interval" : 15, "version_mask" : "1FFFE000",
                "serverurl" : ["127.0.0.1:3333", "[::1]:4334"], "nodeserver" : ["0.0.0.0:3335"],
                "trusted" : ["0.0.0.0:3336"], "upstream" : "pool.example:3334",
                "mindiff" : 0.001, "startdiff" : 0.5, "highdiff" : 5000, "maxdiff" : 1000000,
                "logdir" : "/var/log/pool", "maxclients" : 5000, "zmqblock" : "tcp://127.0.0.1:28333",
                "proxy" : [{"url":"up.example:3333","auth":"w","pass":"x"}],
                "redirecturl" : ["a.example:3333", "b.example:3333"], "useragent" : ["cgminer", "bmminer"],
                "dropidle" : 3600, "futurekey" : {"x": 1}
                }
                trailing notes are ignored { not json
                """);
        assertThat(c.btcd()).containsExactly(new BtcdConfig("127.0.0.1:8332", "u1", "p1", true),
                new BtcdConfig("http://10.0.0.2:18443", "u2", "p2", false));
        assertThat(c.btcaddress()).isEqualTo("bc1qxyz");
        assertThat(c.btcsig()).isEqualTo("/mined by us/");
        assertThat(c.blockpollMs()).isEqualTo(250);
        assertThat(c.donation()).isEqualTo(2.5);
        assertThat(c.donaddress()).isEqualTo("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
        assertThat(c.nonce1length()).isEqualTo(2);
        assertThat(c.nonce2length()).isEqualTo(6);
        assertThat(c.updateInterval()).isEqualTo(15);
        assertThat(c.versionMask()).isEqualTo(0x1fffe000L);
        assertThat(c.serverurl()).containsExactly(new HostPort("127.0.0.1", 3333), new HostPort("::1", 4334));
        assertThat(c.nodeserver()).containsExactly(new HostPort("0.0.0.0", 3335));
        // ckpool appends the nodeserver entries to the server list: their indexes follow serverurl's
        assertThat(c.nodeServerIndexes()).containsExactly(2);
        assertThat(c.trustedServerIndexes()).containsExactly(3);
        assertThat(c.trusted()).containsExactly(new HostPort("0.0.0.0", 3336));
        assertThat(c.upstream()).isEqualTo(new HostPort("pool.example", 3334));
        assertThat(c.listenUrls()).as("ckpool's server order: serverurl, nodeserver, trusted").containsExactly(
                new HostPort("127.0.0.1", 3333), new HostPort("::1", 4334), new HostPort("0.0.0.0", 3335),
                new HostPort("0.0.0.0", 3336));
        assertThat(c.trustedServerIndexes()).containsExactly(3);
        assertThat(c.mindiff()).isEqualTo(0.001);
        assertThat(c.startdiff()).isEqualTo(0.5);
        assertThat(c.highdiff()).isEqualTo(5000);
        assertThat(c.maxdiff()).isEqualTo(1_000_000);
        assertThat(c.logdir()).isEqualTo("/var/log/pool");
        assertThat(c.maxclients()).isEqualTo(5000);
        assertThat(c.zmqblock()).isEqualTo("tcp://127.0.0.1:28333");
        assertThat(c.proxy()).containsExactly(new ProxyConfig("up.example:3333", "w", "x"));
        assertThat(c.redirecturl()).hasSize(2);
        assertThat(c.useragent()).containsExactly("cgminer", "bmminer");
        assertThat(c.dropidle()).isEqualTo(3600);
        assertThat(c.raw().get("futurekey").get("x").asInt()).isEqualTo(1);
    }

    @Test
    void singleValueForms() throws Exception {
        PoolConfig c = ConfigLoader.parse("{\"btcd\":{\"url\":\"node:8332\"},\"serverurl\":\"127.0.0.1:3334\","
                + "\"useragent\":\"cgminer\",\"proxy\":{\"url\":\"up:1\"}}");
        assertThat(c.btcd()).containsExactly(new BtcdConfig("node:8332", "user", "pass", false));
        assertThat(c.serverurl()).containsExactly(new HostPort("127.0.0.1", 3334));
        assertThat(c.useragent()).containsExactly("cgminer");
        assertThat(c.proxy()).containsExactly(new ProxyConfig("up:1", "", ""));
    }

    @Test
    void dustDonationCountsAsNone() throws Exception {
        assertThat(ConfigLoader.parse("{\"donation\":0.05}").donation()).isZero();
        assertThat(ConfigLoader.parse("{\"donation\":99.9}").donation()).isEqualTo(99.9);
    }

    @Test
    void donaddressMayShareNetworksWithBtcaddress() throws Exception {
        // regtest bech32 payout with a base58 test address: regtest uses the test version bytes
        assertThat(ConfigLoader.parse("{\"btcaddress\":\"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080\","
                + "\"donaddress\":\"mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt\",\"donation\":1}").donaddress())
                .isEqualTo("mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt");
        assertThat(ConfigLoader.parse("{\"btcaddress\":\"tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx\","
                + "\"donaddress\":\"2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he\"}").donaddress())
                .isEqualTo("2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he");
        // no btcaddress (solo -B) or one that is no address: the donation address alone is checked
        assertThat(ConfigLoader.parse("{\"donaddress\":\"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\"}")
                .donaddress()).isEqualTo("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
        assertThat(ConfigLoader.parse("{\"btcaddress\":\"bcrt1qtest\","
                + "\"donaddress\":\"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\"}").donaddress()).isNotNull();
        // donation without an address parses (the stratifier says nothing is paid); an address without donation too
        PoolConfig noAddress = ConfigLoader.parse("{\"donation\":0.5}");
        assertThat(noAddress.donation()).isEqualTo(0.5);
        assertThat(noAddress.donaddress()).isNull();
        assertThat(ConfigLoader.parse("{\"donaddress\":\"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\"}").donation())
                .isZero();
    }

    @Test
    void portsAbove4000AreHighDiffPorts() throws Exception {
        PoolConfig c = ConfigLoader.parse("{\"serverurl\":[\"0.0.0.0:3333\",\"0.0.0.0:4000\",\"0.0.0.0:4001\"],"
                + "\"mindiff\":2,\"startdiff\":8,\"highdiff\":5000}");
        assertThat(c.serverurl()).extracting(HostPort::highDiff).containsExactly(false, false, true);
        assertThat(c.startDiffFor(c.serverurl().get(0))).isEqualTo(8);
        assertThat(c.minDiffFor(c.serverurl().get(0))).isEqualTo(2);
        assertThat(c.startDiffFor(c.serverurl().get(1))).isEqualTo(8);
        assertThat(c.startDiffFor(c.serverurl().get(2))).isEqualTo(5000);
        assertThat(c.minDiffFor(c.serverurl().get(2))).isEqualTo(5000);
        PoolConfig capped = ConfigLoader.parse("{\"serverurl\":\"0.0.0.0:5000\",\"maxdiff\":100}");
        assertThat(capped.startDiffFor(capped.serverurl().get(0))).isEqualTo(100);
    }

    @Test
    void loadsFromFileAndReportsAMissingOne() throws Exception {
        Path f = dir.resolve("ckpool.conf");
        Files.writeString(f, "{\"btcaddress\":\"addr\"}\n");
        assertThat(ConfigLoader.load(f).btcaddress()).isEqualTo("addr");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.conf"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.conf").hasMessageContaining("cannot read");
    }

    @ParameterizedTest(name = "[{index}] {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{`                                           | config                | not valid JSON
            `[1,2]`                                       | config                | one JSON object
            ``                                            | config                | empty
            `{"btcd": 5}`                                 | btcd                  | object or an array
            `{"btcd": []}`                                | btcd                  | empty
            `{"btcd": [5]}`                               | btcd[0]               | must be an object
            `{"btcd": {"url": 8332}}`                     | btcd.url              | must be a string
            `{"btcd": [{"url": "nohostport"}]}`           | btcd[0].url           | host:port
            `{"btcd": [{"url": "h:99999"}]}`              | btcd[0].url           | host:port
            `{"btcd": [{"url": "h:1", "auth": 1}]}`       | btcd[0].auth          | must be a string
            `{"btcd": [{"url": "h:1", "pass": []}]}`      | btcd[0].pass          | must be a string
            `{"btcd": [{"url": "h:1", "notify": "yes"}]}` | btcd[0].notify        | true or false
            `{"btcaddress": 1}`                           | btcaddress            | must be a string
            `{"btcsig": "0123456789012345678901234567890123456789"}` | btcsig     | longer than 38
            `{"btcsig": false}`                           | btcsig                | must be a string
            `{"blockpoll": -1}`                           | blockpoll             | negative
            `{"blockpoll": 0}`                            | blockpoll             | out of range
            `{"blockpoll": "100"}`                        | blockpoll             | whole number
            `{"blockpoll": 1.5}`                          | blockpoll             | whole number
            `{"donation": -1}`                            | donation              | negative
            `{"donation": 100}`                           | donation              | above 99.9
            `{"donation": "2"}`                           | donation              | must be a number
            `{"donation": 100.5}`                         | donation              | above 99.9
            `{"donaddress": 5}`                           | donaddress            | must be a string
            `{"donaddress": " "}`                         | donaddress            | must not be empty
            `{"donaddress": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"}` | donaddress | bad bech32/bech32m checksum
            `{"donaddress": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"}` | donaddress   | checksum mismatch
            `{"donaddress": "not an address"}`            | donaddress            | not a Bitcoin address
            `{"btcaddress": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "donaddress": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}` | donaddress | an address of test/signet but btcaddress is one of main
            `{"btcaddress": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "donaddress": "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt"}` | donaddress | but btcaddress is one of main
            `{"btcaddress": "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", "donaddress": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"}` | donaddress | an address of main but btcaddress is one of regtest
            `{"btcaddress": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "donaddress": "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"}` | donaddress | an address of regtest but btcaddress is one of test/signet
            `{"nonce1length": 1}`                         | nonce1length          | out of range 2-8
            `{"nonce1length": 9}`                         | nonce1length          | out of range 2-8
            `{"nonce2length": 1}`                         | nonce2length          | out of range 2-8
            `{"nonce2length": 16}`                        | nonce2length          | out of range 2-8
            `{"update_interval": 0}`                      | update_interval       | out of range
            `{"update_interval": true}`                   | update_interval       | whole number
            `{"version_mask": "xyz"}`                     | version_mask          | hex
            `{"version_mask": "1fffe0000"}`               | version_mask          | 1-8 hex
            `{"version_mask": 536862720}`                 | version_mask          | hex string
            `{"serverurl": 3333}`                         | serverurl             | host:port
            `{"serverurl": "3333"}`                       | serverurl             | host:port
            `{"serverurl": ["0.0.0.0:3333", "bad"]}`      | serverurl[1]          | host:port
            `{"serverurl": ["0.0.0.0:0"]}`                | serverurl[0]          | port 1-65535
            `{"serverurl": [1]}`                          | serverurl[0]          | must be a
            `{"nodeserver": ["x"]}`                       | nodeserver[0]         | host:port
            `{"trusted": {"a": 1}}`                       | trusted               | host:port
            `{"upstream": "nope"}`                        | upstream              | host:port
            `{"upstream": 5}`                             | upstream              | must be a string
            `{"mindiff": 0}`                              | mindiff               | above 0
            `{"mindiff": -2}`                             | mindiff               | negative
            `{"mindiff": "1"}`                            | mindiff               | must be a number
            `{"startdiff": 0}`                            | startdiff             | above 0
            `{"startdiff": 0.5}`                          | startdiff             | below mindiff
            `{"highdiff": -5}`                            | highdiff              | negative
            `{"highdiff": 0}`                             | highdiff              | above 0
            `{"maxdiff": -1}`                             | maxdiff               | negative
            `{"maxdiff": 0.5}`                            | maxdiff               | below mindiff
            `{"logdir": ""}`                              | logdir                | empty
            `{"logdir": 7}`                               | logdir                | must be a string
            `{"maxclients": -3}`                          | maxclients            | negative
            `{"maxclients": 1.5}`                         | maxclients            | whole number
            `{"zmqblock": "127.0.0.1:28332"}`             | zmqblock              | ZMQ endpoint
            `{"zmqblock": 28332}`                         | zmqblock              | must be a string
            `{"proxy": "up:3333"}`                        | proxy                 | array of objects
            `{"proxy": [{"auth": "a"}]}`                  | proxy[0].url          | host:port
            `{"proxy": [{"url": "up:1", "pass": 3}]}`     | proxy[0].pass         | must be a string
            `{"proxy": [7]}`                              | proxy[0]              | must be an object
            `{"redirecturl": ["up"]}`                     | redirecturl[0]        | host:port
            `{"useragent": [1]}`                          | useragent[0]          | must be a string
            `{"useragent": 1}`                            | useragent             | string or an array
            `{"dropidle": -1}`                            | dropidle              | negative
            `{"dropidle": "60"}`                          | dropidle              | whole number
            """)
    void badValuesNameKeyValueAndReason(String json, String key, String reason) {
        String text = json == null ? "" : json;
        assertThatThrownBy(() -> ConfigLoader.parse(text))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.getMessage()).contains("\"" + key + "\"").contains(e.value());
                });
    }

    @Test
    void errorShowsTheValueAsWritten() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\"nonce2length\": 12}"))
                .hasMessage("config key \"nonce2length\" = 12: out of range 2-8");
        assertThatThrownBy(() -> ConfigLoader.parse("{\"donaddress\": \"not an address\"}"))
                .hasMessage("config key \"donaddress\" = \"not an address\": not a Bitcoin address (invalid base58 "
                        + "character ' ' at position 3)");
    }

    @Test
    void hostPortParsing() {
        assertThat(HostPort.parse("stratum+tcp://pool.example:3333/")).isEqualTo(new HostPort("pool.example", 3333));
        assertThat(HostPort.parse("[2001:db8::1]:3333")).isEqualTo(new HostPort("2001:db8::1", 3333));
        assertThat(HostPort.parse("[2001:db8::1]:3333").toString()).isEqualTo("[2001:db8::1]:3333");
        for (String bad : List.of("", ":3333", "host:", "host:abc", "a:b:c", "host:70000", "ho st:1", "[::1]")) {
            assertThat(HostPort.parse(bad)).as(bad).isNull();
        }
    }
}
