package run.alchemy.engine;

/**
 * One difference between two states of a stage.
 *
 * @param address where the record lives
 * @param pointer JSON pointer inside the record ({@code ""}: the whole record was added or removed)
 * @param kind    added, removed or changed
 * @param secret  the value is a secret: {@code before}/{@code after} are never shown
 * @param before  the old JSON value (null when added, or for secrets)
 * @param after   the new JSON value (null when removed, or for secrets)
 */
public record Change(Address address, String pointer, Kind kind, boolean secret, String before, String after) {
    public enum Kind { ADDED, REMOVED, CHANGED }

    @Override
    public String toString() {
        String what = secret ? "<secret " + (kind == Kind.CHANGED ? "changed" : kind.name().toLowerCase()) + ">"
                : kind == Kind.ADDED ? after : kind == Kind.REMOVED ? before : before + " -> " + after;
        return kind.name().toLowerCase() + " " + address + pointer + ": " + what;
    }
}
