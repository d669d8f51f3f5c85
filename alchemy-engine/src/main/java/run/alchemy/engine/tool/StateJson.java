package run.alchemy.engine.tool;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.engine.internal.json.JsonWriter;

/**
 * JSON text exactly as Alchemy writes it ({@code JSON.stringify}): JavaScript number text and
 * string escaping, keys in tree order, no trailing newline. For tools that print or store records
 * as they are (secrets stay in their stored envelopes; an in-memory secret is refused).
 * Stateless and thread-safe.
 */
public final class StateJson {
    private static final JsonWriter.SecretSink NO_SECRETS = (pojo, pointer) -> {
        throw new IllegalArgumentException("a secret value at " + pointer + " cannot be written as plain JSON");
    };

    private StateJson() {
    }

    /**
     * {@code JSON.stringify(node, null, 2)}, as Alchemy's file-system and S3 stores write records.
     *
     * @param node a JSON tree, such as a record read with Jackson
     * @return the two-space indented text, without a trailing newline
     * @throws IllegalArgumentException if the tree holds an in-memory secret (a POJO node) or binary data
     */
    public static String pretty(JsonNode node) {
        return JsonWriter.pretty(node, NO_SECRETS);
    }

    /**
     * {@code JSON.stringify(node)}.
     *
     * @param node a JSON tree, such as a record read with Jackson
     * @return the text on one line, without spaces between tokens
     * @throws IllegalArgumentException if the tree holds an in-memory secret (a POJO node) or binary data
     */
    public static String compact(JsonNode node) {
        return JsonWriter.compact(node, NO_SECRETS);
    }
}
