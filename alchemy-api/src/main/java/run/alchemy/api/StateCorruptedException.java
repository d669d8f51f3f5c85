package run.alchemy.api;

/**
 * A stored record or log event that cannot be read: corrupt, truncated or empty JSON, or a wrong
 * shape (also stored props or output that do not map to the provider's types).
 */
public final class StateCorruptedException extends AlchemyException {
    /** Where the unreadable bytes are. */
    private final String location;

    /**
     * Unreadable state. The message is {@code corrupt state in LOCATION: DETAIL}.
     *
     * @param location where: the file or object, a log and position, or a resource's fqn
     * @param detail   what is wrong, e.g. {@code invalid JSON at line 3, column 7: …}
     */
    public StateCorruptedException(String location, String detail) {
        super("corrupt state in " + location + ": " + detail);
        this.location = location;
    }

    /**
     * Unreadable state, with the parser's exception. The message is
     * {@code corrupt state in LOCATION: DETAIL}.
     *
     * @param location where: the file or object, a log and position, or a resource's fqn
     * @param detail   what is wrong
     * @param cause    the exception reading it threw
     */
    public StateCorruptedException(String location, String detail, Throwable cause) {
        super("corrupt state in " + location + ": " + detail, cause);
        this.location = location;
    }

    /**
     * Where the state could not be read.
     *
     * @return the file or object, the log and position (e.g. {@code … at position 12}), or the
     *         fqn of a resource whose stored props or output do not map to its provider's types
     */
    public String location() {
        return location;
    }
}
