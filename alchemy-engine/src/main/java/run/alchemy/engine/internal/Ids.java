package run.alchemy.engine.internal;

import run.alchemy.api.InvalidIdException;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Checks ids and scope names before anything is written. Alchemy only refuses empty ids and
 * {@code :}; we also refuse what could leave the state directory, since scope names and
 * resource ids become directory names ({@code ..}, {@code .}, leading or doubled {@code /},
 * NUL and other control characters), and what would name one file for two ids or no file at all:
 * names too long for a file name, names not in Unicode NFC (which macOS stores as their NFC form),
 * and names ending in {@code .json} (the folder of such a resource's children is the record file of
 * the resource named without it).
 */
public final class Ids {
    /** A file name holds 255 bytes; a record's adds {@code .json}. */
    static final int MAX_UTF8_BYTES = 250;

    private Ids() {
    }

    /** What two ids of one scope must not share: one file on a case-insensitive file system (macOS, Windows). */
    public static String fold(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c >= 0x80 || c >= 'A' && c <= 'Z') {
                return id.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
            }
        }
        return id; // ASCII without capitals folds to itself: no two copies per declared resource
    }

    public static void check(String id, String where) {
        if (id == null || id.isEmpty()) {
            throw new InvalidIdException(id == null ? "" : id, where, "must not be empty");
        }
        if (id.indexOf(':') >= 0) {
            throw new InvalidIdException(id, where, "must not contain ':' (Alchemy stores '/' as ':' in keys)");
        }
        boolean ascii = true;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidIdException(id, where, "must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + ")");
            }
            ascii &= c < 0x80;
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
        int bytes = ascii ? id.length() : utf8Length(id);
        if (bytes > MAX_UTF8_BYTES) {
            throw new InvalidIdException(id, where, "is " + bytes + " bytes in UTF-8; at most " + MAX_UTF8_BYTES
                    + " (a file name holds 255 bytes, and a record's adds .json)");
        }
        if (!ascii && !Normalizer.isNormalized(id, Normalizer.Form.NFC)) { // ASCII is NFC
            throw new InvalidIdException(id, where, "is not in Unicode normal form NFC (it is written "
                    + codePoints(id) + "): file systems that normalise names store it as "
                    + codePoints(Normalizer.normalize(id, Normalizer.Form.NFC)) + ", the name of another id");
        }
        if (id.regionMatches(true, Math.max(0, id.length() - 5), ".json", 0, 5)) {
            throw new InvalidIdException(id, where, "must not end in .json: the folder of its children would be"
                    + " the record file of \"" + id.substring(0, id.length() - 5) + "\"");
        }
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The string as code points, such as {@code U+0065 U+0301}: two forms of one name look alike printed. */
    private static String codePoints(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> out.append(out.length() == 0 ? "" : " ").append(String.format("U+%04X", cp)));
        return out.toString();
    }
}
