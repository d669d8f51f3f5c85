package run.alchemy.api;

/** What a run did to one resource, in the words of Alchemy's log. */
public enum Action {
    CREATED, UPDATED, REPLACED, SKIPPED, DELETED, READ;

    /** The tag Alchemy prints, e.g. {@code [created]}. */
    public String tag() {
        return "[" + name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
