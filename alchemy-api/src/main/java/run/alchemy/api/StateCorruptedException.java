package run.alchemy.api;

/** A stored record that cannot be read: corrupt, truncated or empty JSON, or a wrong shape. */
public final class StateCorruptedException extends AlchemyException {
    private final String location;

    public StateCorruptedException(String location, String detail) {
        super("corrupt state in " + location + ": " + detail);
        this.location = location;
    }

    public StateCorruptedException(String location, String detail, Throwable cause) {
        super("corrupt state in " + location + ": " + detail, cause);
        this.location = location;
    }

    /** The file or object that could not be read. */
    public String location() {
        return location;
    }
}
