package io.confwatch.model;

/** The kinds of configuration entity a tenant has, with the names the change log and JSON use. */
public enum EntityKind {
    /** A monitor ({@code confwatch.monitors}). */
    MONITOR("monitor"),
    /** A filter of a monitor ({@code confwatch.filters}). */
    FILTER("filter"),
    /** A trigger ({@code confwatch.triggers}). */
    TRIGGER("trigger");

    private final String wireName;

    EntityKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in {@code config_changes.entity} and in {@code /status}. */
    public String wireName() {
        return wireName;
    }

    /** The kind named {@code wireName}, e.g. {@code "monitor"}. */
    public static EntityKind fromWireName(String wireName) {
        for (EntityKind kind : values()) {
            if (kind.wireName.equals(wireName)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown entity kind: " + wireName);
    }
}
