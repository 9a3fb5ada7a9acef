package org.jckpool.ckdb.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.OptionalLong;
import org.jckpool.libpool.json.Json;

/** {@link ChainView} through bitcoind's JSON-RPC {@code getblockheader}. */
public final class BitcoindChainView implements ChainView {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final String authHeader;

    /** @param url e.g. http://127.0.0.1:8332 ; auth "user:pass" */
    public BitcoindChainView(String url, String auth) {
        this.uri = URI.create(url.contains("://") ? url : "http://" + url);
        this.authHeader = "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public OptionalLong confirmations(String blockhash) throws IOException {
        String body = "{\"jsonrpc\":\"1.0\",\"id\":\"ckdb\",\"method\":\"getblockheader\",\"params\":[\""
                + blockhash + "\",true]}";
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Authorization", authHeader).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode r = Json.parseOrNull(resp.body());
        if (r == null) {
            throw new IOException("bitcoind answered HTTP " + resp.statusCode() + " without JSON");
        }
        JsonNode err = r.get("error");
        if (err != null && !err.isNull()) {
            if (err.path("code").asInt() == -5) {
                return OptionalLong.empty();
            }
            throw new IOException("bitcoind: " + err.path("message").asText());
        }
        return OptionalLong.of(r.path("result").path("confirmations").asLong());
    }
}
