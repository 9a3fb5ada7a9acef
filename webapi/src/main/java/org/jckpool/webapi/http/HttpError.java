package org.jckpool.webapi.http;

/** A request the API refuses: the HTTP status and a message safe to show to the client. */
final class HttpError extends Exception {

    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }
}
