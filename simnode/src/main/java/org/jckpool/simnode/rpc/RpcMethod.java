package org.jckpool.simnode.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/** One RPC method body: params in, result out, or an {@link CoreRpcException}. */
@FunctionalInterface
public interface RpcMethod {
    JsonNode call(RpcParams params);
}
