package run.alchemy.engine.internal;

import run.alchemy.api.InvalidIdException;

/**
 * Checks ids and scope names before anything is written. Alchemy only refuses empty ids and
 * {@code :}; we also refuse what could leave the state directory, since scope names and
 * resource ids become directory names ({@code ..}, {@code .}, leading or doubled {@code /},
 * NUL and other control characters).
 */
public final class Ids {
    private Ids() {
    }

    public static void check(String id, String where) {
        if (id == null || id.isEmpty()) {
            throw new InvalidIdException(id == null ? "" : id, where, "must not be empty");
        }
        if (id.indexOf(':') >= 0) {
            throw new InvalidIdException(id, where, "must not contain ':' (Alchemy stores '/' as ':' in keys)");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidIdException(id, where, "must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + ")");
            }
        }
        if (id.startsWith("/") || id.endsWith("/") || id.contains("//")) {
            throw new InvalidIdException(id, where, "must not start or end with '/' or contain '//'");
        }
        for (String segment : id.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidIdException(id, where,
                        "must not contain '.' or '..' path segments: it would escape the state directory");
            }
        }
    }
}
