package run.alchemy.engine.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON exactly as {@code JSON.stringify(value)} or {@code JSON.stringify(value, null, 2)}:
 * JS number text, JS string escaping, keys in tree order, missing values omitted. Secrets (POJO
 * nodes) are handed to a {@link SecretSink}, which decides what stands inside {@code "@secret"}.
 */
public final class JsonWriter {

    /** Decides what a secret is written as: its envelope, or its plain value for comparison. */
    public interface SecretSink {
        JsonNode secretValue(Object secret, String pointer);
    }

    private final StringBuilder out;
    private final boolean pretty;
    private final SecretSink secrets;
    /** Keys and indexes from the root to the value being written; made into a pointer only for a secret. */
    private final java.util.ArrayList<Object> path = new java.util.ArrayList<>();

    private JsonWriter(boolean pretty, SecretSink secrets, int capacity) {
        this.out = new StringBuilder(capacity);
        this.pretty = pretty;
        this.secrets = secrets;
    }

    /** Two-space indented text, as Alchemy's FileSystem and S3 stores write. */
    public static String pretty(JsonNode node, SecretSink secrets) {
        JsonWriter w = new JsonWriter(true, secrets, 4096);
        w.value(node, 0);
        return w.out.toString();
    }

    /** Compact text, as {@code JSON.stringify(value)}. */
    public static String compact(JsonNode node, SecretSink secrets) {
        JsonWriter w = new JsonWriter(false, secrets, 512);
        w.value(node, 0);
        return w.out.toString();
    }

    private String pointer() {
        StringBuilder b = new StringBuilder();
        for (Object p : path) {
            b.append('/').append(p);
        }
        return b.toString();
    }

    private void value(JsonNode node, int depth) {
        switch (node.getNodeType()) {
            case OBJECT -> object(node, depth);
            case ARRAY -> array(node, depth);
            case STRING -> string(node.textValue());
            case NUMBER -> out.append(JsNumbers.format(node));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL, MISSING -> out.append("null");
            case POJO -> secret(((POJONode) node).getPojo(), depth);
            case BINARY -> throw new IllegalArgumentException("binary node at " + pointer() + " (expected @buffer)");
        }
    }

    private void secret(Object pojo, int depth) {
        JsonNode inner = secrets.secretValue(pojo, pointer());
        path.add("@secret");
        if (pretty) {
            out.append("{\n");
            indent(depth + 1);
            out.append("\"@secret\": ");
            value(inner, depth + 1);
            out.append('\n');
            indent(depth);
            out.append('}');
        } else {
            out.append("{\"@secret\":");
            value(inner, depth + 1);
            out.append('}');
        }
        path.remove(path.size() - 1);
    }

    private void object(JsonNode node, int depth) {
        boolean first = true;
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        out.append('{');
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode v = e.getValue();
            if (v.isMissingNode()) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            if (pretty) {
                out.append('\n');
                indent(depth + 1);
            }
            string(e.getKey());
            out.append(pretty ? ": " : ":");
            path.add(e.getKey());
            value(v, depth + 1);
            path.remove(path.size() - 1);
        }
        if (!first && pretty) {
            out.append('\n');
            indent(depth);
        }
        out.append('}');
    }

    private void array(JsonNode node, int depth) {
        out.append('[');
        int n = node.size();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (pretty) {
                out.append('\n');
                indent(depth + 1);
            }
            path.add(i);
            value(node.get(i), depth + 1);
            path.remove(path.size() - 1);
        }
        if (n > 0 && pretty) {
            out.append('\n');
            indent(depth);
        }
        out.append(']');
    }

    private void indent(int depth) {
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    private void string(String s) {
        out.append('"');
        int len = s.length();
        int plain = 0;
        while (plain < len && plainChar(s.charAt(plain))) {
            plain++;
        }
        if (plain == len) { // the common case: nothing to escape, one copy
            out.append(s).append('"');
            return;
        }
        out.append(s, 0, plain);
        for (int i = plain; i < len; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        hexEscape(c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            hexEscape(c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        hexEscape(c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Written as itself: not a quote, backslash, control character or surrogate. */
    private static boolean plainChar(char c) {
        return c >= 0x20 && c != '"' && c != '\\' && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE);
    }

    private void hexEscape(char c) {
        String hex = Integer.toHexString(c);
        out.append("\\u");
        for (int p = hex.length(); p < 4; p++) {
            out.append('0');
        }
        out.append(hex);
    }
}
