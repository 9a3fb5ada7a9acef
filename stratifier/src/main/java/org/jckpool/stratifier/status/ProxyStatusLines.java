package org.jckpool.stratifier.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * ckpool's proxy-mode lines of the minute's statistics, logged after {@code pool.status} is written:
 * {@code Proxy:{"current","active","total"}} (notice) and, at info level, one {@code Proxies:{"id","subproxies",
 * "clients","alive"}} per configured upstream and one {@code Subproxies:{…}} per upstream session (the proxy's own
 * on each live upstream, subid 0, and in user proxy mode each user's, subid 1…). Built from the generator's last
 * {@code upstream.status}.
 *
 * <p>Meanings here: {@code current} is the active upstream's index (-1: none alive), {@code active} the number of
 * live upstreams, {@code total} the number configured; {@code clients} the authorised miners working through that
 * upstream or session.
 */
public final class ProxyStatusLines {
    /** The notice line and the info lines. */
    public record Lines(String proxy, List<String> detail) {
    }

    private ProxyStatusLines() {
    }

    /**
     * @param status the generator's upstream.status params ({"active","upstreams":[…],"users":[…]})
     * @param miners authorised miners connected to the proxy
     * @param userProxy user proxy mode: miners work through their users' sessions, not the proxy's own
     */
    public static Lines render(JsonNode status, int miners, boolean userProxy) {
        JsonNode ups = status.path("upstreams");
        JsonNode users = status.path("users");
        int current = status.path("active").isInt() ? status.path("active").asInt() : -1;
        int alive = 0;
        for (JsonNode u : ups) {
            if (u.path("alive").asBoolean(false)) {
                alive++;
            }
        }
        ObjectNode head = Json.object();
        head.put("current", current);
        head.put("active", alive);
        head.put("total", ups.size());

        List<String> detail = new ArrayList<>();
        for (JsonNode u : ups) {
            int index = u.path("index").asInt(-1);
            boolean up = u.path("alive").asBoolean(false);
            int ownClients = !userProxy && index == current ? miners : 0;
            int sessions = up ? 1 : 0;
            int clients = ownClients;
            for (JsonNode s : users) {
                if (onUpstream(s, index)) {
                    sessions++;
                    clients += s.path("miners").asInt(0);
                }
            }
            ObjectNode p = Json.object();
            p.put("id", index);
            p.put("subproxies", sessions);
            p.put("clients", clients);
            p.put("alive", up);
            detail.add("Proxies:" + p);
            if (up) {
                ObjectNode own = Json.object();
                own.put("id", index);
                own.put("subid", 0);
                if (u.has("extranonce2_size")) {
                    own.put("nonce2len", u.path("extranonce2_size").asInt());
                }
                own.put("clients", ownClients);
                own.put("diff", u.path("difficulty").asDouble(0));
                own.put("alive", true);
                detail.add("Subproxies:" + own);
            }
            int subid = 0;
            for (JsonNode s : users) {
                if (onUpstream(s, index)) {
                    ObjectNode sp = Json.object();
                    sp.put("id", index);
                    sp.put("subid", ++subid);
                    sp.put("user", s.path("user").asText(""));
                    sp.put("clients", s.path("miners").asInt(0));
                    sp.put("diff", u.path("difficulty").asDouble(0));
                    sp.put("alive", true);
                    detail.add("Subproxies:" + sp);
                }
            }
        }
        return new Lines("Proxy:" + head, List.copyOf(detail));
    }

    private static boolean onUpstream(JsonNode userSession, int index) {
        return userSession.path("connected").asBoolean(false) && userSession.path("upstream").isInt()
                && userSession.path("upstream").asInt() == index;
    }
}
