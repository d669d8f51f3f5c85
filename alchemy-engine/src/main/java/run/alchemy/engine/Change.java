package run.alchemy.engine;

/**
 * One difference between two states of a stage, as {@link History#diff} finds it.
 *
 * @param address where the record lives
 * @param pointer JSON pointer inside the record ({@code ""}: the whole record was added or removed)
 * @param kind    added, removed or changed
 * @param secret  the value is a secret (on either side): {@code before} and {@code after} are
 *                null, never the value or its ciphertext
 * @param before  the old value as compact JSON text; {@code <record>} for a whole record removed;
 *                null when added, or for secrets
 * @param after   the new value as compact JSON text; {@code <record>} for a whole record added;
 *                null when removed, or for secrets
 */
public record Change(Address address, String pointer, Kind kind, boolean secret, String before, String after) {
    /** What happened at the pointer. */
    public enum Kind {
        /** The value (or the whole record) is only in the later state. */
        ADDED,
        /** The value (or the whole record) is only in the earlier state. */
        REMOVED,
        /** Both states have a value there, and they differ (an array that changed length counts as one value). */
        CHANGED
    }

    /**
     * What changed from one snapshot of a record to another, as {@link History#diff} tells it: for
     * each event of a record's history, its snapshot against the one before it.
     *
     * @param address  the record's address, named in each change
     * @param before   the record's JSON text before, or null when it did not exist
     * @param after    its JSON text after, or null when it was removed
     * @return the changes, by JSON pointer; one change at {@code ""} when the record was added or
     *         removed, none when both texts hold the same JSON
     * @throws java.io.UncheckedIOException when a text is not JSON
     */
    public static java.util.List<Change> between(Address address, String before, String after) {
        return History.changes(before == null ? java.util.Map.of() : java.util.Map.of(address, before),
                after == null ? java.util.Map.of() : java.util.Map.of(address, after));
    }

    /**
     * The change for a listing; a secret's says only that it was added, removed or changed.
     *
     * @return e.g. {@code changed my-app/dev/db/props/size: 1 -> 2}
     */
    @Override
    public String toString() {
        String what = secret ? "<secret " + (kind == Kind.CHANGED ? "changed" : kind.name().toLowerCase()) + ">"
                : kind == Kind.ADDED ? after : kind == Kind.REMOVED ? before : before + " -> " + after;
        return kind.name().toLowerCase() + " " + address + pointer + ": " + what;
    }
}
