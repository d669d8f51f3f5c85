package run.alchemy.api;

/** An id or scope name that is empty, contains {@code :} or could escape the state directory. */
public final class InvalidIdException extends AlchemyException {
    private final String id;

    public InvalidIdException(String id, String where, String reason) {
        super("invalid id " + quote(id) + " in " + where + ": " + reason);
        this.id = id;
    }

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
