package run.alchemy.cloudflare;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The two spellings of one record. Alchemy's Cloudflare stores keep {@code JSON.stringify(record)}
 * (compact: R2RestStateStore uploads it, the Durable Object workers store it); the engine writes
 * and hashes {@code JSON.stringify(record, null, 2)} (two-space indent). Both are JavaScript's own
 * output, so they differ only in the whitespace between tokens: strings, numbers and key order are
 * the same characters. Both conversions here are therefore purely lexical, token text is copied
 * verbatim and never re-encoded, and {@code pretty(compact(x)) == x} for every {@code x} the engine
 * writes. A record the TypeScript Alchemy wrote reads as the bytes the engine would have written
 * for it.
 */
public final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonText() {
    }

    /**
     * Checks that the bytes are one well-formed JSON value (and nothing after it).
     *
     * @param json the UTF-8 bytes to check
     * @return why they are not, for a message ({@code it is empty}, the parser's complaint); null when they are
     */
    public static String invalidBecause(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                return "it is empty";
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return "more follows the first JSON value";
            }
            return null;
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * The text without whitespace between tokens ({@code JSON.stringify(value)} for the engine's
     * bytes). Strings are copied verbatim; the input is not validated (see {@link #invalidBecause}).
     *
     * @param json UTF-8 JSON text, in any indentation
     * @return the compact text
     */
    public static String compact(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int end = endOfString(s, i);
                out.append(s, i, end);
                i = end - 1;
            } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Compact JSON text indented as {@code JSON.stringify(value, null, 2)} writes it: the inverse of
     * {@link #compact} for the engine's bytes. Empty objects and arrays stay {@code {}} and {@code []}.
     *
     * @param compact JSON text without whitespace between tokens (any that is there is dropped)
     * @return the two-space-indented text, UTF-8, without a trailing newline
     */
    public static byte[] pretty(String compact) {
        StringBuilder out = new StringBuilder(compact.length() + compact.length() / 2);
        int depth = 0;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            switch (c) {
                case '"' -> {
                    int end = endOfString(compact, i);
                    out.append(compact, i, end);
                    i = end - 1;
                }
                case '{', '[' -> {
                    char close = c == '{' ? '}' : ']';
                    if (i + 1 < compact.length() && compact.charAt(i + 1) == close) {
                        out.append(c).append(close); // empty containers stay "{}" and "[]"
                        i++;
                    } else {
                        out.append(c);
                        newline(out, ++depth);
                    }
                }
                case '}', ']' -> {
                    newline(out, --depth);
                    out.append(c);
                }
                case ',' -> {
                    out.append(',');
                    newline(out, depth);
                }
                case ':' -> out.append(": ");
                case ' ', '\n', '\r', '\t' -> {
                    // not in JSON.stringify's compact output; dropped should anyone have stored it
                }
                default -> out.append(c);
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n');
        for (int d = 0; d < depth; d++) {
            out.append("  ");
        }
    }

    /** The index just past the string token starting at {@code start} (its opening quote). */
    private static int endOfString(String s, int start) {
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return s.length(); // unterminated: copied as is; the parser upstream reports it
    }
}
