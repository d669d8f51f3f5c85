package run.alchemy.api;

/** What a run did to one resource, in the words of Alchemy's log. */
public enum Action {
    /** The provider's create ran: the resource had no state, or its last create did not finish. */
    CREATED,
    /** The provider's update ran: the props changed, an update was forced, or its last update did not finish. */
    UPDATED,
    /**
     * The provider's update called {@link Context#replace()}: a new copy was created; the old one
     * is deleted when the app finishes (or was before, with {@code replace(true)}).
     */
    REPLACED,
    /** The stored props equal the declared ones and nothing forced an update: no provider call. */
    SKIPPED,
    /**
     * The provider's delete ran: the resource is no longer declared, or the stage is destroyed. The
     * old copy of a replaced resource is deleted without an outcome of its own.
     */
    DELETED,
    /** Phase {@link Phase#READ}: the stored output was read; nothing was called or written. */
    READ;

    /**
     * The tag Alchemy prints, e.g. {@code [created]}.
     *
     * @return the constant's name in lower case between square brackets
     */
    public String tag() {
        return "[" + name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
