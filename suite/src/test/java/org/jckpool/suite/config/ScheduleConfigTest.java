package org.jckpool.suite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleConfigTest {

    @Test
    void weightsNamesAndScheduleAreRead() throws Exception {
        PoolConfig c = ConfigLoader.parse("""
                {"proxy": [{"url": "a:1", "auth": "w", "pass": "x", "name": "alpha", "weight": 70},
                           {"url": "b:2", "auth": "w", "pass": "x", "weight": 30}],
                 "schedule": {"slice": 2.5, "grace": 4}}""");
        assertThat(c.proxy()).containsExactly(new ProxyConfig("a:1", "w", "x", "alpha", 70.0),
                new ProxyConfig("b:2", "w", "x", null, 30.0));
        assertThat(c.proxy().get(1).displayName()).isEqualTo("b:2");
        assertThat(c.schedule()).isEqualTo(new ScheduleConfig(2_500, 4_000));
    }

    @Test
    void weightsWithoutScheduleBlockGetTheDefaultSchedule() throws Exception {
        PoolConfig c = ConfigLoader.parse("{\"proxy\": [{\"url\": \"a:1\", \"weight\": 100}, {\"url\": \"b:1\", \"weight\": 0}]}");
        assertThat(c.schedule()).isEqualTo(ScheduleConfig.DEFAULT);
    }

    @Test
    void autoBalanceTakesPricesInsteadOfWeights() throws Exception {
        PoolConfig c = ConfigLoader.parse("""
                {"proxy": [{"url": "a:1", "name": "btc", "price": 1.0}, {"url": "b:2", "name": "bch", "price": 0.93}],
                 "schedule": {"auto": true, "slice": 60}}""");
        assertThat(c.proxy().get(1).price()).isEqualTo(0.93);
        assertThat(c.proxy().get(1).weight()).isNull();
        assertThat(c.schedule()).isEqualTo(new ScheduleConfig(60_000, 10_000, true));
        PoolConfig weighted = ConfigLoader.parse("""
                {"proxy": [{"url": "a:1", "weight": 70, "price": 1}, {"url": "b:2", "weight": 30, "price": 2}]}""");
        assertThat(weighted.schedule().auto()).isFalse();
        assertThat(weighted.proxy().get(1).price()).isEqualTo(2.0);
    }

    @Test
    void noWeightsMeansPriorityFailoverAndNoSchedule() throws Exception {
        PoolConfig c = ConfigLoader.parse("{\"proxy\": [{\"url\": \"a:1\"}, {\"url\": \"b:1\"}]}");
        assertThat(c.schedule()).isNull();
        assertThat(c.proxy().get(0).weight()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"proxy": [{"url": "a:1", "weight": 1}, {"url": "b:1"}]}                          | proxy[1].weight | every proxy entry a weight
            {"proxy": [{"url": "a:1", "weight": -1}]}                                         | proxy[0].weight | must not be negative
            {"proxy": [{"url": "a:1", "weight": "7"}]}                                        | proxy[0].weight | must be a number
            {"proxy": [{"url": "a:1", "weight": 0}, {"url": "b:1", "weight": 0}]}             | proxy           | at least one weight
            {"proxy": [{"url": "a:1", "name": ""}]}                                           | proxy[0].name   | 1-64 characters
            {"proxy": [{"url": "a:1", "name": "x"}, {"url": "b:1", "name": "x"}]}             | proxy[1].name   | unique
            {"proxy": [{"url": "a:1"}], "schedule": {"slice": 5}}                             | schedule        | needs a weight
            {"proxy": [{"url": "a:1", "weight": 1}], "schedule": 5}                           | schedule        | must be an object
            {"proxy": [{"url": "a:1", "weight": 1}], "schedule": {"slice": 0.1}}              | schedule.slice  | below 0.5
            {"proxy": [{"url": "a:1", "weight": 1}], "schedule": {"grace": -1}}               | schedule.grace  | must not be negative
            {"proxy": [{"url": "a:1", "weight": 1}], "schedule": {"slice": 5, "sticky": 1}}   | schedule.sticky | unknown key
            {"proxy": [{"url": "a:1", "price": 1}, {"url": "b:1"}], "schedule": {"auto": true}}  | proxy[1].price | schedule.auto needs a price
            {"proxy": [{"url": "a:1"}], "schedule": {"auto": true}}                           | proxy[0].price  | schedule.auto needs a price
            {"proxy": [{"url": "a:1", "price": -2}], "schedule": {"auto": true}}              | proxy[0].price  | must not be negative
            {"proxy": [{"url": "a:1", "price": 0}], "schedule": {"auto": true}}               | proxy           | at least one price above 0
            {"proxy": [{"url": "a:1", "price": 1, "weight": 5}], "schedule": {"auto": true}}  | proxy[0].weight | the prices set the weights
            {"proxy": [{"url": "a:1", "price": 1}], "schedule": {"auto": "yes"}}              | schedule.auto   | true or false
            {"proxy": [{"url": "a:1", "price": 1}]}                                           | proxy[0].price  | prices are for the scheduling proxy
            {"proxy": [{"url": "a:1", "price": 1, "weight": 1}, {"url": "b:1", "weight": 1}]} | proxy[1].price  | every proxy entry a price or none
            """)
    void badScheduleConfigNamesKeyAndReason(String json, String key, String reason) {
        assertThatThrownBy(() -> ConfigLoader.parse(json))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageContaining(reason);
    }
}
