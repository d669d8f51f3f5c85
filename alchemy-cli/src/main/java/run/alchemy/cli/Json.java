package run.alchemy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON for the command: parsing that keeps numbers as written and refuses duplicate keys, and
 * output as JavaScript's {@code JSON.stringify(value, null, 2)} writes it (Alchemy's state files),
 * so that a record printed or imported keeps its bytes.
 */
final class Json {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private Json() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    /** Parses {@code text}; a syntax error names {@code source}, line and column, and gives {@code hint}. */
    static JsonNode parse(byte[] text, String source, String hint) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw CliException.usage(source + ": empty file, expected JSON", hint);
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String why = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source.*$", "")
                    .replaceAll("\\s*at \\[Source.*$", "");
            throw CliException.usage(source + ": invalid JSON" + where + ": " + why, hint);
        } catch (IOException e) {
            throw CliException.usage(source + ": cannot read: " + e.getMessage(), hint);
        }
    }

    /** {@code JSON.stringify(node, null, 2)}. */
    static String pretty(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, "");
        return out.toString();
    }

    /** {@code JSON.stringify(node)}. */
    static String compact(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, null);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out, String indent) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            String inner = indent == null ? null : indent + "  ";
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.append(first ? "" : ",");
                first = false;
                if (inner != null) {
                    out.append('\n').append(inner);
                }
                string(e.getKey(), out);
                out.append(inner != null ? ": " : ":");
                write(e.getValue(), out, inner);
            }
            if (indent != null) {
                out.append('\n').append(indent);
            }
            out.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            String inner = indent == null ? null : indent + "  ";
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                if (inner != null) {
                    out.append('\n').append(inner);
                }
                write(node.get(i), out, inner);
            }
            if (indent != null) {
                out.append('\n').append(indent);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isBigDecimal()) {
            out.append(jsNumber(node.decimalValue()));
        } else if (node.isNumber()) {
            if (node.isFloatingPointNumber()) {
                double d = node.doubleValue();
                out.append(Double.isFinite(d) ? jsNumber(BigDecimal.valueOf(d).stripTrailingZeros()) : "null");
            } else {
                out.append(node.numberValue().toString());
            }
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isPojo()) {
            string(String.valueOf(((com.fasterxml.jackson.databind.node.POJONode) node).getPojo()), out);
        } else {
            string(node.asText(), out);
        }
    }

    /** A number as written in the file (JavaScript writes {@code 1e+21}, {@code 1.5e-7}). */
    private static String jsNumber(BigDecimal d) {
        String s = d.toString();
        return s.indexOf('E') >= 0 ? s.replace('E', 'e') : s;
    }

    /** JSON.stringify's string escaping: quotes, backslash, control characters, lone surrogates. */
    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
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
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A JSON path step: {@code $.a}, {@code $["a b"]}. */
    static String path(String parent, String key) {
        if (IDENTIFIER.matcher(key).matches()) {
            return parent + "." + key;
        }
        StringBuilder quoted = new StringBuilder();
        string(key, quoted);
        return parent + "[" + quoted + "]";
    }

    static String path(String parent, int index) {
        return parent + "[" + index + "]";
    }

    static String typeName(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        return switch (n.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase();
        };
    }
}
