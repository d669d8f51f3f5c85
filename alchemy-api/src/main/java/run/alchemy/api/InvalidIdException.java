package run.alchemy.api;

/**
 * An id or scope name that is not allowed. The engine refuses, when it is declared and before
 * anything is written, one that is empty, contains {@code :} or a control character, starts or
 * ends with {@code /} or contains {@code //}, or has a {@code .} or {@code ..} segment that could
 * escape the state directory; a store refuses names its layout cannot hold (e.g. an app name
 * where it keeps its event logs).
 */
public final class InvalidIdException extends AlchemyException {
    /** The id as given. */
    private final String id;

    /**
     * An invalid id. The message is {@code invalid id "ID" in WHERE: REASON}, with control
     * characters of the id written as <code>&#92;u</code> and four hex digits.
     *
     * @param id     the id or name as given, not null (the engine passes an empty string for a null one)
     * @param where  what it names or where it was declared, e.g. {@code my-app/dev},
     *               {@code the app name} or a store location
     * @param reason the rule it breaks, e.g. {@code must not be empty}
     */
    public InvalidIdException(String id, String where, String reason) {
        super("invalid id " + quote(id) + " in " + where + ": " + reason);
        this.id = id;
    }

    /**
     * The invalid id.
     *
     * @return the id or name as given, control characters unescaped
     */
    public String id() {
        return id;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
