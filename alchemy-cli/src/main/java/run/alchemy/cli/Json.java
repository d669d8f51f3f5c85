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
import com.fasterxml.jackson.databind.node.TextNode;
import run.alchemy.engine.tool.StateJson;

import java.io.IOException;

/**
 * JSON for the command: parsing that refuses duplicate keys, and output as the engine writes it
 * ({@link StateJson}: JavaScript's {@code JSON.stringify}), so that a record printed or imported
 * keeps its bytes.
 */
public final class Json {
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** Parses {@code text}; a syntax error names {@code source}, line and column, and gives {@code hint}. */
    public static JsonNode parse(byte[] text, String source, String hint) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw CliException.usage(source + ": empty file, expected JSON", hint);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalid(e, source, hint);
        } catch (IOException e) {
            throw CliException.usage(source + ": cannot read: " + e.getMessage(), hint);
        }
    }

    /** A syntax error as the user's error: {@code source}, line and column, what is wrong, and {@code hint}. */
    static CliException invalid(JsonProcessingException e, String source, String hint) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String why = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source.*$", "")
                .replaceAll("\\s*at \\[Source.*$", "");
        return CliException.usage(source + ": invalid JSON" + where + ": " + why, hint);
    }

    /** {@code JSON.stringify(node, null, 2)}, as Alchemy's stores write records. */
    public static String pretty(JsonNode node) {
        return StateJson.pretty(node);
    }

    /** {@code JSON.stringify(node)}. */
    public static String compact(JsonNode node) {
        return StateJson.compact(node);
    }

    /** A JSON path step: {@code $.a}, {@code $["a b"]}. */
    public static String path(String parent, String key) {
        if (isIdentifier(key)) {
            return parent + "." + key;
        }
        return parent + "[" + TextNode.valueOf(key) + "]";
    }

    /** {@code [A-Za-z_$][A-Za-z0-9_$]*}, without a regex (a stack file has a path step per value). */
    private static boolean isIdentifier(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    static String path(String parent, int index) {
        return parent + "[" + index + "]";
    }

    public static String typeName(JsonNode n) {
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
