package org.jckpool.webapi.view;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a block solution stands: sent to the node, accepted or rejected by it, later confirmed or orphaned; or
 * never sent because another solution on its tip was in flight or accepted (duplicate-height) or its tip was
 * already superseded (stale); or lost when no node answered.
 */
public enum BlockStatus {
    SUBMITTED, ACCEPTED, REJECTED, CONFIRMED, ORPHANED, DUPLICATE_HEIGHT, STALE, LOST;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
