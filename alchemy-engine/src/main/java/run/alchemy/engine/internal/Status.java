package run.alchemy.engine.internal;

/** The {@code status} field of a state record, spelled as Alchemy writes it. */
enum Status {
    CREATING("creating"),
    CREATED("created"),
    UPDATING("updating"),
    UPDATED("updated"),
    DELETING("deleting"),
    DELETED("deleted");

    private final String wireName;

    Status(String wireName) {
        this.wireName = wireName;
    }

    /** The string stored in the {@code status} field. */
    String wireName() {
        return wireName;
    }

    /** Only records that finished a create or an update may be skipped. */
    boolean isSettled() {
        return this == CREATED || this == UPDATED;
    }

    static Status fromWireName(String name) {
        for (Status s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status \"" + name + "\"");
    }
}
