package run.alchemy.engine.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the JSON that state records are made of straight into Jackson's tree, without Jackson's
 * general parser: at 10,000 records a run, in a JVM that compiles with C1 only, Jackson's
 * {@code readTree} is the largest part of reading them (6 µs a record of 1.4 kB here, against 4 µs
 * for this).
 *
 * <p>It takes only a plain subset, and gives up (null) on anything else, for Jackson to parse and,
 * where the input is bad, to report: a root that is not an object; a byte outside printable ASCII
 * in a string, or an escaped surrogate; a number with an exponent, a leading zero, a minus zero or more than 18 digits; a
 * key given twice; nesting deeper than {@value #MAX_DEPTH}; input over 1 MiB; anything malformed
 * or trailing. What it takes, it gives as Jackson's {@code readTree} would: the same node classes
 * (an integer as an {@code IntNode} when it fits, else a {@code LongNode}; a fraction as a
 * {@code DoubleNode}) in the same key order. {@code TreeParserTest} checks that against Jackson,
 * and that whatever it takes, Jackson takes too.
 *
 * <p>It also notes whether the tree is {@linkplain Tree#plain() plain}: no key begins with {@code @}
 * (as every tag does) and every object's keys are in JS order already. Reviving such a record
 * changes nothing, so its reader need not walk it again.
 */
public final class TreeParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 64;
    private static final int MAX_INTEGER_DIGITS = 18;
    /** Below Jackson's limits on a string's length (20 M) and a key's (50,000), which it then applies. */
    private static final int MAX_BYTES = 1 << 20;
    private static final int MAX_KEY_LENGTH = 50_000;

    private final byte[] in;
    private int at;
    private char[] chars = new char[64];
    private boolean plain = true;

    /**
     * A parsed object.
     *
     * @param root  the object
     * @param plain whether no key begins with {@code @} and every object's keys are in JS order
     */
    public record Tree(ObjectNode root, boolean plain) {
    }

    private TreeParser(byte[] in) {
        this.in = in;
    }

    /** The object {@code bytes} hold, or null when they are not one this parser takes. */
    public static Tree parseObject(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            return null;
        }
        TreeParser p = new TreeParser(bytes);
        try {
            p.skipSpace();
            if (p.at >= bytes.length || bytes[p.at] != '{') {
                return null;
            }
            ObjectNode root = p.object(1);
            if (root == null) {
                return null;
            }
            p.skipSpace();
            return p.at == bytes.length ? new Tree(root, p.plain) : null;
        } catch (ArrayIndexOutOfBoundsException cut) {
            return null; // the input ended inside a value
        }
    }

    private void skipSpace() {
        byte[] b = in;
        int i = at;
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        at = i;
    }

    /** At {@code '{'}. */
    private ObjectNode object(int depth) {
        at++;
        ObjectNode object = NODES.objectNode();
        skipSpace();
        if (in[at] == '}') {
            at++;
            return object;
        }
        int rank = 0;
        long lastIndex = -1;
        while (true) {
            if (in[at] != '"') {
                return null;
            }
            String key = string();
            if (key == null || key.length() > MAX_KEY_LENGTH) {
                return null;
            }
            if (plain) {
                // JS order: Symbol(…) keys, then array-index keys ascending, then the others
                int r = JsKeys.isSymbol(key) ? 0 : JsKeys.isIndex(key) ? 1 : 2;
                if (r < rank || (!key.isEmpty() && key.charAt(0) == '@')) {
                    plain = false;
                } else if (r == 1) {
                    long index = Long.parseLong(key);
                    plain = index > lastIndex;
                    lastIndex = index;
                }
                rank = r;
            }
            skipSpace();
            if (in[at] != ':') {
                return null;
            }
            at++;
            skipSpace();
            JsonNode value = value(depth);
            if (value == null || object.replace(key, value) != null) {
                return null; // a bad value, or a key given twice
            }
            skipSpace();
            byte c = in[at++];
            if (c == '}') {
                return object;
            }
            if (c != ',') {
                return null;
            }
            skipSpace();
        }
    }

    /** At {@code '['}. */
    private ArrayNode array(int depth) {
        at++;
        ArrayNode array = NODES.arrayNode();
        skipSpace();
        if (in[at] == ']') {
            at++;
            return array;
        }
        while (true) {
            JsonNode value = value(depth);
            if (value == null) {
                return null;
            }
            array.add(value);
            skipSpace();
            byte c = in[at++];
            if (c == ']') {
                return array;
            }
            if (c != ',') {
                return null;
            }
            skipSpace();
        }
    }

    private JsonNode value(int depth) {
        byte c = in[at];
        switch (c) {
            case '"' -> {
                String s = string();
                return s == null ? null : NODES.textNode(s);
            }
            case '{' -> {
                return depth >= MAX_DEPTH ? null : object(depth + 1);
            }
            case '[' -> {
                return depth >= MAX_DEPTH ? null : array(depth + 1);
            }
            case 't' -> {
                return literal("true") ? NODES.booleanNode(true) : null;
            }
            case 'f' -> {
                return literal("false") ? NODES.booleanNode(false) : null;
            }
            case 'n' -> {
                return literal("null") ? NODES.nullNode() : null;
            }
            default -> {
                return c == '-' || (c >= '0' && c <= '9') ? number() : null;
            }
        }
    }

    private boolean literal(String word) {
        int n = word.length();
        if (at + n > in.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (in[at + i] != word.charAt(i)) {
                return false;
            }
        }
        at += n;
        return !atWordByte();
    }

    /** Whether a letter, digit, {@code _} or {@code $} follows: a literal or number that runs on (an exponent too) is none. */
    private boolean atWordByte() {
        if (at >= in.length) {
            return false;
        }
        byte c = in[at];
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    }

    private JsonNode number() {
        int start = at;
        boolean negative = in[at] == '-';
        if (negative) {
            at++;
        }
        int digitsStart = at;
        long value = 0;
        while (at < in.length && in[at] >= '0' && in[at] <= '9') {
            value = value * 10 + (in[at] - '0');
            at++;
        }
        int digits = at - digitsStart;
        if (digits == 0 || digits > MAX_INTEGER_DIGITS || (digits > 1 && in[digitsStart] == '0')) {
            return null;
        }
        boolean fraction = at < in.length && in[at] == '.';
        if (!fraction) {
            if (atWordByte()) {
                return null;
            }
            if (negative && value == 0) {
                return null; // minus zero: Jackson's typing of it is left to Jackson
            }
            long v = negative ? -value : value;
            return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
        }
        at++;
        int fractionStart = at;
        while (at < in.length && in[at] >= '0' && in[at] <= '9') {
            at++;
        }
        if (at == fractionStart || atWordByte()) {
            return null;
        }
        return NODES.numberNode(Double.parseDouble(new String(in, start, at - start, StandardCharsets.ISO_8859_1)));
    }

    /** At the opening quote; the string, or null when it holds what this parser does not take. */
    private String string() {
        byte[] b = in;
        int start = ++at;
        int i = start;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                at = i + 1;
                return new String(b, start, i - start, StandardCharsets.ISO_8859_1); // printable ASCII: a byte a char
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20 || c > 0x7e) {
                return null; // a control byte (Jackson refuses it) or UTF-8 (Jackson checks it)
            }
            i++;
        }
        // an escape: the chars so far, then decoded one by one
        int n = 0;
        for (int k = start; k < i; k++) {
            n = put(n, (char) b[k]);
        }
        while (true) {
            byte c = b[i++];
            if (c == '"') {
                at = i;
                return new String(chars, 0, n);
            }
            if (c == '\\') {
                int e = escaped(i);
                if (e < 0 || Character.isSurrogate((char) e)) {
                    return null; // Jackson checks that surrogates pair up in keys, and its rule is its own
                }
                i += b[i] == 'u' ? 5 : 1;
                n = put(n, (char) e);
            } else if (c < 0x20 || c > 0x7e) {
                return null;
            } else {
                n = put(n, (char) c);
            }
        }
    }

    /** The char of the escape whose letter is at {@code i}, or -1 when it is none. */
    private int escaped(int i) {
        return switch (in[i]) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> hex(i + 1);
            default -> -1;
        };
    }

    /** Four hex digits as a char's value, or -1 when one is not a hex digit. */
    private int hex(int from) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = hexDigit(in[from + k]);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private int put(int n, char c) {
        if (n == chars.length) {
            chars = Arrays.copyOf(chars, n * 2);
        }
        chars[n] = c;
        return n + 1;
    }
}
