package org.jckpool.stratifier.session;

/** ckpool's worker naming: the user is the part before the first '.' or '_'. */
public final class WorkerName {
    private WorkerName() {
    }

    public static String user(String worker) {
        for (int i = 0; i < worker.length(); i++) {
            char c = worker.charAt(i);
            if (c == '.' || c == '_') {
                return worker.substring(0, i);
            }
        }
        return worker;
    }

    /** Why a worker name cannot be used (ckpool's checks), or null when it is fine. */
    public static String problem(String worker) {
        if (worker == null) {
            return "Invalid workername parameter";
        }
        if (worker.isEmpty()) {
            return "Empty workername parameter";
        }
        if (worker.charAt(0) == '.' || worker.charAt(0) == '_') {
            return "Empty username parameter";
        }
        if (worker.indexOf('/') >= 0) {
            return "Invalid character in username";
        }
        if (worker.length() > 255) {
            return "Workername too long";
        }
        for (int i = 0; i < worker.length(); i++) {
            if (worker.charAt(i) < 0x20) {
                return "Invalid character in username";
            }
        }
        return null;
    }
}
