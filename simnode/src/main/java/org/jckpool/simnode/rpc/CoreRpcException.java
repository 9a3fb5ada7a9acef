package org.jckpool.simnode.rpc;

/** A JSON-RPC error with one of Bitcoin Core's codes (see {@link RpcCodes}). */
public final class CoreRpcException extends RuntimeException {
    private final int code;

    public CoreRpcException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
