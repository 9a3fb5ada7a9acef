package org.jckpool.libpool.rpc;

/**
 * A failed bitcoind RPC call: an error the node returned (with its JSON-RPC code), or a transport problem
 * (timeout, refused connection, HTTP status, unreadable reply). Unchecked so callers choose where to handle it;
 * every {@link BitcoinRpcClient} call can throw it.
 */
public class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The node answered with a JSON-RPC error object; {@link #code()} is Core's code (e.g. -8, -32601). */
        RPC_ERROR,
        /** HTTP 401/403: bad user/password or cookie, or the client IP is not allowed. */
        AUTH,
        /** Another HTTP status without a JSON-RPC error body. */
        HTTP_ERROR,
        /** Connect or request timeout. */
        TIMEOUT,
        /** Connection refused, reset or otherwise failed. */
        CONNECTION,
        /** The reply was not JSON, not a JSON-RPC reply, or too large. */
        BAD_REPLY
    }

    /** Code used for errors that did not come from the node's JSON-RPC error object. */
    public static final int NO_RPC_CODE = 0;

    private final String method;
    private final int code;
    private final Kind kind;
    private final int httpStatus;
    private final String rpcMessage;

    public RpcException(String method, Kind kind, int code, int httpStatus, String rpcMessage, Throwable cause) {
        super(format(method, kind, code, httpStatus, rpcMessage), cause);
        this.method = method;
        this.kind = kind;
        this.code = code;
        this.httpStatus = httpStatus;
        this.rpcMessage = rpcMessage;
    }

    private static String format(String method, Kind kind, int code, int httpStatus, String message) {
        StringBuilder sb = new StringBuilder("RPC ").append(method).append(" failed: ");
        switch (kind) {
            case RPC_ERROR -> sb.append("error ").append(code).append(": ");
            case AUTH, HTTP_ERROR -> sb.append("HTTP ").append(httpStatus).append(": ");
            case TIMEOUT -> sb.append("timeout: ");
            case CONNECTION -> sb.append("connection failed: ");
            case BAD_REPLY -> sb.append("bad reply: ");
            default -> { }
        }
        return sb.append(message).toString();
    }

    /** The RPC method that was called. */
    public String method() {
        return method;
    }

    /** Core's JSON-RPC error code for {@link Kind#RPC_ERROR}, else {@link #NO_RPC_CODE}. */
    public int code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status of the reply, 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The node's error message, or a description of the transport problem. */
    public String rpcMessage() {
        return rpcMessage;
    }

    /**
     * True when the node is up but overloaded: HTTP 503 (Core's "Work queue depth exceeded" once its RPC threads and
     * queue are full). Worth retrying after a pause; says nothing about the request itself.
     */
    public boolean isBusy() {
        return kind == Kind.HTTP_ERROR && httpStatus == 503;
    }

    /** True when the node itself may be unreachable or unusable (anything but a JSON-RPC error answer). */
    public boolean isTransportFailure() {
        return kind != Kind.RPC_ERROR;
    }
}
