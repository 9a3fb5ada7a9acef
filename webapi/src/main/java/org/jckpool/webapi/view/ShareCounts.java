package org.jckpool.webapi.view;

import java.util.Map;

/**
 * Share counts since start. {@code rejectedByReason} maps a short reason ("stale", "duplicate", "above target",
 * …) to its count; its values add up to {@code rejected}.
 */
public record ShareCounts(long accepted, long rejected, Map<String, Long> rejectedByReason) {

    public static final ShareCounts NONE = new ShareCounts(0, 0, Map.of());

    public ShareCounts {
        rejectedByReason = Map.copyOf(rejectedByReason);
    }
}
