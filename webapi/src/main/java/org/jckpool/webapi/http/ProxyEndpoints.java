package org.jckpool.webapi.http;

import static org.jckpool.webapi.http.RequestParams.truncate;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import org.jckpool.webapi.view.PoolView;

/**
 * The proxy and passthrough endpoints: {@code /api/upstreams}, {@code /api/passthrough}, and the scheduling
 * proxy's {@code /api/schedule} (GET reads the weights, POST with the admin token sets them).
 */
final class ProxyEndpoints {
    static final int MAX_SCHEDULE_BODY = 4096;

    private final PoolView view;
    private final AdminAuth admin;

    ProxyEndpoints(PoolView view, AdminAuth admin) {
        this.view = view;
        this.admin = admin;
    }

    static boolean isSchedulePath(String rawPath) {
        return rawPath.equals("/api/schedule") || rawPath.equals("/api/schedule/");
    }

    JsonNode upstreams() throws HttpError {
        return view.upstreams().orElseThrow(() -> HttpError.notFound("not a proxy: no upstream pools"));
    }

    JsonNode passthrough() throws HttpError {
        return view.passthrough().orElseThrow(() -> HttpError.notFound("no passthrough status"));
    }

    JsonNode schedule() throws HttpError {
        return schedule(null);
    }

    /**
     * POST /api/schedule (admin): new weights, {"weights":{name:w,…}} or {"weights":[w,…]}, prices alike
     * ({"prices":…}) and/or {"auto":bool}; answers the new state.
     */
    JsonNode setSchedule(HttpExchange exchange) throws HttpError, IOException {
        admin.require(exchange);
        byte[] body = exchange.getRequestBody().readNBytes(MAX_SCHEDULE_BODY + 1);
        if (body.length > MAX_SCHEDULE_BODY) {
            throw new HttpError(413, "body longer than " + MAX_SCHEDULE_BODY + " bytes");
        }
        JsonNode req;
        try {
            req = ApiJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw HttpError.badRequest("body is not JSON");
        }
        if (req == null || !req.isObject() || !(req.has("weights") || req.has("prices") || req.has("auto"))) {
            throw HttpError.badRequest("body must be {\"weights\": {name: weight, …}} or {\"weights\": [weight, …]}"
                    + " (or \"prices\" alike, or \"auto\": true|false)");
        }
        return schedule(req);
    }

    private JsonNode schedule(JsonNode setWeights) throws HttpError {
        try {
            return view.schedule(setWeights)
                    .orElseThrow(() -> HttpError.notFound("not a scheduling proxy: no weights on the upstream pools"));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(truncate(String.valueOf(e.getMessage()), 300));
        } catch (IOException e) {
            throw new HttpError(503, "the scheduler did not answer: " + truncate(String.valueOf(e.getMessage()), 200));
        }
    }
}
