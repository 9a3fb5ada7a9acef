package org.jckpool.webapi.view;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a found block stands: sent to the node, accepted or rejected by it, later confirmed or orphaned. */
public enum BlockStatus {
    SUBMITTED, ACCEPTED, REJECTED, CONFIRMED, ORPHANED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
