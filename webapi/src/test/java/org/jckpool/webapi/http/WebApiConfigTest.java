package org.jckpool.webapi.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebApiConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static WebApiConfig parse(String conf) throws Exception {
        return WebApiConfig.fromConf(JSON.readTree(conf));
    }

    @Test
    void defaultsWhenNoKeysAreGiven() throws Exception {
        WebApiConfig config = parse("{\"btcaddress\":\"x\"}");
        assertThat(config.bind()).isEqualTo(new InetSocketAddress("127.0.0.1", 3380));
        assertThat(config.adminToken()).isNull();
        assertThat(config.healthMaxAge()).isEqualTo(Duration.ofSeconds(180));
        assertThat(config.threads()).isEqualTo(4);
        assertThat(config.enabled()).isTrue();
    }

    @Test
    void readsEveryKey() throws Exception {
        WebApiConfig config = parse("{\"httpbind\":\"[::1]:9000\",\"admintoken\":\"0123456789abcdef\","
                + "\"healthmaxage\":30.5,\"httpthreads\":2}");
        assertThat(config.bind()).isEqualTo(new InetSocketAddress("::1", 9000));
        assertThat(config.adminToken()).isEqualTo("0123456789abcdef");
        assertThat(config.healthMaxAge()).isEqualTo(Duration.ofMillis(30_500));
        assertThat(config.threads()).isEqualTo(2);
        assertThat(parse("{\"httpbind\":\":3381\"}").bind()).isEqualTo(new InetSocketAddress(3381));
        assertThat(parse("{\"httpbind\":\"\"}").enabled()).isFalse();
        assertThat(parse("{\"admintoken\":\"\"}").adminToken()).isNull();
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> parse("{\"httpbind\":\"127.0.0.1\"}")).isInstanceOf(WebApiConfigException.class)
                .hasMessageContaining("httpbind").hasMessageContaining("host:port");
        assertThatThrownBy(() -> parse("{\"httpbind\":\"127.0.0.1:99999\"}")).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> parse("{\"httpbind\":\"127.0.0.1:http\"}")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> parse("{\"httpbind\":\"::1:80\"}")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> parse("{\"httpbind\":3380}")).hasMessageContaining("must be a string");
        assertThatThrownBy(() -> parse("{\"admintoken\":\"short\"}")).hasMessageContaining("at least 16")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short\""));
        assertThatThrownBy(() -> parse("{\"healthmaxage\":-1}")).hasMessageContaining("healthmaxage");
        assertThatThrownBy(() -> parse("{\"httpthreads\":0}")).hasMessageContaining("httpthreads");
        assertThatThrownBy(() -> parse("{\"httpthreads\":2.5}")).hasMessageContaining("httpthreads");
        assertThatThrownBy(() -> parse("{\"httpthreads\":\"4\"}")).hasMessageContaining("httpthreads");
    }
}
