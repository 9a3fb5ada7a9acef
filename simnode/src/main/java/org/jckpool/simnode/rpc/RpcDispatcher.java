package org.jckpool.simnode.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Method table: name → parameter names + body. */
public final class RpcDispatcher {
    private record Entry(List<String> paramNames, RpcMethod body) {
    }

    private final Map<String, Entry> methods = new ConcurrentHashMap<>();

    public void register(String name, List<String> paramNames, RpcMethod body) {
        methods.put(name, new Entry(List.copyOf(paramNames), body));
    }

    public boolean has(String name) {
        return methods.containsKey(name);
    }

    /** Runs {@code name}; unknown names raise Core's -32601 "Method not found". */
    public JsonNode call(String name, JsonNode params) {
        Entry entry = methods.get(name);
        if (entry == null) {
            throw new CoreRpcException(RpcCodes.METHOD_NOT_FOUND, "Method not found");
        }
        return entry.body().call(new RpcParams(name, params, entry.paramNames()));
    }
}
