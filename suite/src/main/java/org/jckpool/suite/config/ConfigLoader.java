package org.jckpool.suite.config;

import org.jckpool.libpool.net.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.AddressException;
import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * Reads ckpool's {@code ckpool.conf}: one JSON object; anything after it is ignored (as ckpool does). Every key
 * is checked; a wrong type or a value out of range fails with a {@link ConfigException} naming key, value and
 * reason. Unknown keys are logged and kept in {@link PoolConfig#raw()}. The {@code proxy} entries and the
 * {@code schedule} block are read by {@link ProxyConfigParser}.
 */
public final class ConfigLoader {
    static final Set<String> KNOWN_KEYS = Set.of("btcd", "btcaddress", "btcsig", "blockpoll", "donation",
            "donaddress", "nonce1length", "nonce2length", "update_interval", "version_mask", "serverurl", "nodeserver",
            "trusted", "upstream", "mindiff", "startdiff", "highdiff", "maxdiff", "logdir", "maxclients",
            "zmqblock", "proxy", "redirecturl", "useragent", "dropidle", "rpcconnections");

    private ConfigLoader() {
    }

    public static PoolConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("config", file.toString(), "cannot read file: " + e.getMessage());
        }
        return parse(text);
    }

    public static PoolConfig parse(String text) throws ConfigException {
        JsonNode root;
        try (JsonParser p = Json.MAPPER.createParser(text)) {
            root = p.readValueAsTree();
        } catch (JsonProcessingException e) {
            throw new ConfigException("config", "(file)", "not valid JSON at line " + e.getLocation().getLineNr()
                    + " column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("config", "(file)", "cannot parse: " + e.getMessage());
        }
        if (root == null) {
            throw new ConfigException("config", "(nothing)", "file is empty");
        }
        if (!root.isObject()) {
            throw new ConfigException("config", shown(root), "must be one JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KNOWN_KEYS.contains(k)) {
                Log.info("Config key \"%s\" is not one of ckpool's keys; kept for modules that read it", k);
            }
        }

        List<BtcdConfig> btcd = btcds(root.get("btcd"));
        String btcaddress = optString(root, "btcaddress", null);
        String btcsig = optString(root, "btcsig", null);
        if (btcsig != null && btcsig.getBytes(StandardCharsets.UTF_8).length > PoolConfig.MAX_BTCSIG_BYTES) {
            throw new ConfigException("btcsig", shown(root.get("btcsig")),
                    "longer than " + PoolConfig.MAX_BTCSIG_BYTES + " bytes");
        }
        int blockpoll = intIn(root, "blockpoll", PoolConfig.DEFAULT_BLOCKPOLL_MS, 1, 3_600_000);
        double donation = doubleIn(root, "donation", 0, 0, 99.9);
        if (donation > 0 && donation < 0.1) {
            Log.notice("donation %s%% is below ckpool's 0.1%% minimum and counts as 0: no donation is paid",
                    fmt(donation));
            donation = 0;
        }
        String donaddress = donaddress(root, btcaddress);
        int nonce1 = intIn(root, "nonce1length", PoolConfig.DEFAULT_NONCE1LENGTH, 2, 8);
        int nonce2 = intIn(root, "nonce2length", PoolConfig.DEFAULT_NONCE2LENGTH, 2, 8);
        int updateInterval = intIn(root, "update_interval", PoolConfig.DEFAULT_UPDATE_INTERVAL, 1, 86_400);
        long versionMask = versionMask(root);
        List<HostPort> serverurl = hostPorts(root, "serverurl");
        if (serverurl.isEmpty()) {
            serverurl = List.of(PoolConfig.DEFAULT_SERVERURL);
        }
        List<HostPort> nodeserver = hostPorts(root, "nodeserver");
        List<HostPort> trusted = hostPorts(root, "trusted");
        String upstreamText = optString(root, "upstream", null);
        HostPort upstream = null;
        if (upstreamText != null) {
            upstream = HostPort.parse(upstreamText);
            if (upstream == null) {
                throw new ConfigException("upstream", shown(root.get("upstream")), "not a host:port address");
            }
        }
        double mindiff = positiveDiff(root, "mindiff", PoolConfig.DEFAULT_MINDIFF);
        double startdiff = positiveDiff(root, "startdiff", PoolConfig.DEFAULT_STARTDIFF);
        double highdiff = positiveDiff(root, "highdiff", PoolConfig.DEFAULT_HIGHDIFF);
        double maxdiff = doubleIn(root, "maxdiff", 0, 0, Double.MAX_VALUE);
        if (startdiff < mindiff) {
            throw new ConfigException("startdiff", shown(root.get("startdiff")),
                    "below mindiff (" + fmt(mindiff) + ")");
        }
        if (maxdiff > 0 && maxdiff < mindiff) {
            throw new ConfigException("maxdiff", shown(root.get("maxdiff")),
                    "below mindiff (" + fmt(mindiff) + "); use 0 for no maximum");
        }
        String logdir = optString(root, "logdir", PoolConfig.DEFAULT_LOGDIR);
        if (logdir.isBlank()) {
            throw new ConfigException("logdir", shown(root.get("logdir")), "must not be empty");
        }
        int maxclients = intIn(root, "maxclients", 0, 0, Integer.MAX_VALUE);
        String zmqblock = optString(root, "zmqblock", PoolConfig.DEFAULT_ZMQBLOCK);
        if (!zmqblock.matches("(tcp|ipc|inproc|pgm|epgm)://\\S+")) {
            throw new ConfigException("zmqblock", shown(root.get("zmqblock")),
                    "not a ZMQ endpoint such as tcp://127.0.0.1:28332");
        }
        List<ProxyConfig> proxy = ProxyConfigParser.proxies(root.get("proxy"));
        ScheduleConfig schedule = ProxyConfigParser.schedule(root.get("schedule"), proxy);
        List<HostPort> redirecturl = hostPorts(root, "redirecturl");
        List<String> useragent = strings(root, "useragent");
        int dropidle = intIn(root, "dropidle", 0, 0, Integer.MAX_VALUE);
        int rpcConnections = intIn(root, "rpcconnections", PoolConfig.DEFAULT_RPC_CONNECTIONS, 1,
                PoolConfig.MAX_RPC_CONNECTIONS);

        return new PoolConfig(btcd, btcaddress, btcsig, blockpoll, donation, donaddress, nonce1, nonce2, updateInterval,
                versionMask, serverurl, nodeserver, trusted, upstream, mindiff, startdiff, highdiff, maxdiff,
                logdir, maxclients, zmqblock, proxy, redirecturl, useragent, dropidle, rpcConnections, schedule,
                root.deepCopy());
    }

    /**
     * The donation address: a valid address whose network is one of btcaddress's (when btcaddress is an address;
     * a bad btcaddress is reported by the processes that use it).
     */
    private static String donaddress(JsonNode root, String btcaddress) throws ConfigException {
        String address = optString(root, "donaddress", null);
        if (address == null) {
            return null;
        }
        JsonNode v = root.get("donaddress");
        address = address.strip();
        if (address.isEmpty()) {
            throw new ConfigException("donaddress", shown(v), "must not be empty (leave the key out for no donation)");
        }
        Set<Network> networks = Address.networksOf(address);
        if (networks.isEmpty()) {
            String why;
            try {
                Address.toScript(address, Network.MAIN);
                why = "unknown";
            } catch (AddressException e) {
                // the value is already in the error message: keep only the reason
                why = e.getMessage().replace("invalid address \"" + address + "\": ", "");
            }
            throw new ConfigException("donaddress", shown(v), "not a Bitcoin address (" + why + ")");
        }
        Set<Network> payoutNetworks = btcaddress == null ? Set.of() : Address.networksOf(btcaddress);
        if (!payoutNetworks.isEmpty() && Collections.disjoint(networks, payoutNetworks)) {
            throw new ConfigException("donaddress", shown(v), "an address of " + names(networks)
                    + " but btcaddress is one of " + names(payoutNetworks) + "; both must be of the same network");
        }
        return address;
    }

    private static String names(Set<Network> networks) {
        StringBuilder sb = new StringBuilder();
        for (Network n : networks) {
            sb.append(sb.length() == 0 ? "" : "/").append(n.chainName());
        }
        return sb.toString();
    }

    /** A key that takes one object or an array of them (btcd, proxy): its elements; {@code error} otherwise. */
    static List<JsonNode> entries(JsonNode v, String key, String error) throws ConfigException {
        List<JsonNode> entries = new ArrayList<>();
        if (v.isObject()) {
            entries.add(v);
        } else if (v.isArray()) {
            v.forEach(entries::add);
        } else {
            throw new ConfigException(key, shown(v), error);
        }
        return entries;
    }

    private static List<BtcdConfig> btcds(JsonNode v) throws ConfigException {
        if (v == null || v.isNull()) {
            return List.of(BtcdConfig.DEFAULT);
        }
        List<JsonNode> entries = entries(v, "btcd", "must be an object or an array of objects {url, auth, pass, notify}");
        if (entries.isEmpty()) {
            throw new ConfigException("btcd", shown(v), "array is empty");
        }
        List<BtcdConfig> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String key = v.isArray() ? "btcd[" + i + "]" : "btcd";
            if (!e.isObject()) {
                throw new ConfigException(key, shown(e), "must be an object {url, auth, pass, notify}");
            }
            String url = optString(e, "url", key + ".url", BtcdConfig.DEFAULT.url());
            if (HostPort.parse(url) == null) {
                throw new ConfigException(key + ".url", shown(e.get("url")), "not a host:port address");
            }
            String auth = optString(e, "auth", key + ".auth", BtcdConfig.DEFAULT.auth());
            String pass = optString(e, "pass", key + ".pass", BtcdConfig.DEFAULT.pass());
            boolean notify = optBool(e, "notify", key + ".notify", false);
            out.add(new BtcdConfig(url, auth, pass, notify));
        }
        return List.copyOf(out);
    }

    private static List<HostPort> hostPorts(JsonNode root, String key) throws ConfigException {
        JsonNode v = root.get(key);
        List<HostPort> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isTextual()) {
            out.add(hostPort(key, v));
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                out.add(hostPort(key + "[" + i + "]", v.get(i)));
            }
        } else {
            throw new ConfigException(key, shown(v), "must be a \"host:port\" string or an array of them");
        }
        return List.copyOf(out);
    }

    private static HostPort hostPort(String key, JsonNode v) throws ConfigException {
        if (!v.isTextual()) {
            throw new ConfigException(key, shown(v), "must be a \"host:port\" string");
        }
        HostPort hp = HostPort.parse(v.asText());
        if (hp == null) {
            throw new ConfigException(key, shown(v), "not a host:port address (port 1-65535)");
        }
        return hp;
    }

    private static List<String> strings(JsonNode root, String key) throws ConfigException {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new ConfigException(key, shown(v), "must be a string or an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new ConfigException(key + "[" + i + "]", shown(v.get(i)), "must be a string");
            }
            out.add(v.get(i).asText());
        }
        return List.copyOf(out);
    }

    private static long versionMask(JsonNode root) throws ConfigException {
        JsonNode v = root.get("version_mask");
        if (v == null || v.isNull()) {
            return PoolConfig.DEFAULT_VERSION_MASK;
        }
        if (!v.isTextual()) {
            throw new ConfigException("version_mask", shown(v), "must be a hex string such as \"1fffe000\"");
        }
        String s = v.asText();
        if (!s.matches("[0-9a-fA-F]{1,8}")) {
            throw new ConfigException("version_mask", shown(v), "not 1-8 hex digits");
        }
        return Long.parseLong(s, 16);
    }

    private static String optString(JsonNode obj, String field, String dflt) throws ConfigException {
        return optString(obj, field, field, dflt);
    }

    static String optString(JsonNode obj, String field, String key, String dflt) throws ConfigException {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new ConfigException(key, shown(v), "must be a string");
        }
        return v.asText();
    }

    private static boolean optBool(JsonNode obj, String field, String key, boolean dflt) throws ConfigException {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(key, shown(v), "must be true or false");
        }
        return v.asBoolean();
    }

    private static int intIn(JsonNode root, String key, int dflt, int min, int max) throws ConfigException {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw new ConfigException(key, shown(v), "must be a whole number");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw new ConfigException(key, shown(v), d < 0 && min >= 0 ? "must not be negative"
                    : "out of range " + min + "-" + max);
        }
        return (int) d;
    }

    private static double doubleIn(JsonNode root, String key, double dflt, double min, double max)
            throws ConfigException {
        return doubleIn(root, key, key, dflt, min, max);
    }

    static double doubleIn(JsonNode root, String field, String key, double dflt, double min, double max)
            throws ConfigException {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new ConfigException(key, shown(v), "must be a number");
        }
        double d = v.asDouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ConfigException(key, shown(v), "must be a finite number");
        }
        if (d < min) {
            throw new ConfigException(key, shown(v), min == 0 ? "must not be negative" : "below " + fmt(min));
        }
        if (d > max) {
            throw new ConfigException(key, shown(v), "above " + fmt(max));
        }
        return d;
    }

    private static double positiveDiff(JsonNode root, String key, double dflt) throws ConfigException {
        double d = doubleIn(root, key, dflt, 0, Double.MAX_VALUE);
        if (d <= 0) {
            throw new ConfigException(key, shown(root.get(key)), "must be above 0");
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    static String shown(JsonNode v) {
        String s = v == null ? "(missing)" : v.toString();
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
