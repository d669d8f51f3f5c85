package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import run.alchemy.api.Secret;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tree as Jackson binds it to {@code Map.class} (its untyped binding: {@link LinkedHashMap},
 * {@link ArrayList}, {@link String}, {@link Boolean}, {@link Integer}, {@link Long},
 * {@link java.math.BigInteger}, {@link Double}, null; a secret as its {@link Secret}),
 * built by walking the tree once. A provider's output is most often a map, and the mapper's
 * {@code treeToValue} streams the tree as tokens through its deserializers, a fifth of a no-op
 * redeploy. A node of any other kind (float, decimal, binary, another POJO) is left to the mapper.
 */
final class UntypedValues {
    /** Stands for a node this walk leaves to the mapper. */
    private static final Object UNMAPPED = new Object();

    private UntypedValues() {
    }

    /** The object node {@code tree} as a map, or null when it holds a node kind this does not map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(JsonNode tree) {
        Object value = tree.isObject() ? value(tree) : UNMAPPED;
        return value == UNMAPPED ? null : (Map<String, Object>) value;
    }

    private static Object value(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    Object v = value(e.getValue());
                    if (v == UNMAPPED) {
                        return UNMAPPED;
                    }
                    map.put(e.getKey(), v);
                }
                return map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode child : node) {
                    Object v = value(child);
                    if (v == UNMAPPED) {
                        return UNMAPPED;
                    }
                    list.add(v);
                }
                return list;
            }
            case STRING -> {
                return node.textValue();
            }
            case BOOLEAN -> {
                return node.booleanValue();
            }
            case NULL -> {
                return null;
            }
            case NUMBER -> {
                return switch (node.numberType()) {
                    case INT, LONG, BIG_INTEGER, DOUBLE -> node.numberValue();
                    default -> UNMAPPED; // float, decimal: the mapper's own rules
                };
            }
            case POJO -> {
                Object pojo = ((POJONode) node).getPojo();
                return pojo instanceof SealedSecret sealed ? sealed.secret
                        : pojo instanceof Secret ? pojo : UNMAPPED;
            }
            default -> {
                return UNMAPPED;
            }
        }
    }
}
