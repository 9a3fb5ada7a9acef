package org.jckpool.simnode.rpc;

/** Bitcoin Core's JSON-RPC error codes (src/rpc/protocol.h) that the simulated node uses. */
public final class RpcCodes {
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    public static final int PARSE_ERROR = -32700;
    public static final int MISC_ERROR = -1;
    public static final int TYPE_ERROR = -3;
    public static final int INVALID_ADDRESS_OR_KEY = -5;
    public static final int INVALID_PARAMETER = -8;
    public static final int DESERIALIZATION_ERROR = -22;
    public static final int VERIFY_ERROR = -25;
    public static final int CLIENT_NOT_CONNECTED = -9;
    public static final int CLIENT_IN_INITIAL_DOWNLOAD = -10;

    private RpcCodes() {
    }
}
