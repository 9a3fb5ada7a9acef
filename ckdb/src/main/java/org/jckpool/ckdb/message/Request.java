package org.jckpool.ckdb.message;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One parsed request. {@code form} says how it came in, so that the reply goes back in the same form:
 * ckpool's {@code <cmd>.<id>.json=<object>}, a JSON object {@code {"method","id","params"}}, or a bare text
 * command such as {@code ping}.
 */
public record Request(String cmd, String id, ObjectNode params, Form form) {

    public enum Form { CKPOOL, JSON, TEXT }
}
