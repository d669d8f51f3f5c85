package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import run.alchemy.api.Secret;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The skip decision's shortcuts agree with their definitions: {@code sameCanonical(a, b)} is
 * {@code canonical(a).equals(canonical(b))}, and the direct tree of plain maps and lists is what
 * Jackson's {@code valueToTree} makes of them. Random trees and near-copies of them (seeded).
 */
class CanonicalDecisionTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final StateSerde serde = new StateSerde();

    @Test
    void sameCanonicalIsEqualityOfCanonicalTexts() {
        Random r = new Random(20261125);
        int same = 0;
        for (int i = 0; i < 20_000; i++) {
            JsonNode a = tree(r, 0);
            JsonNode b = r.nextInt(3) == 0 ? tree(r, 0) : mutate(a.deepCopy(), r);
            boolean expected = Objects.equals(serde.canonical(a, "t"), serde.canonical(b, "t"));
            assertEquals(expected, serde.sameCanonical(a, b, "t"), () -> serde.canonical(a, "t") + " vs " + serde.canonical(b, "t"));
            assertEquals(expected, serde.sameCanonical(b, a, "t"));
            same += expected ? 1 : 0;
        }
        assertTrue(same > 1000, "too few equal pairs to mean anything: " + same);
    }

    @Test
    void sameCanonicalCornerCases() {
        ObjectNode withMissing = NODES.objectNode().put("a", 1);
        withMissing.set("gone", MissingNode.getInstance());
        assertTrue(serde.sameCanonical(withMissing, NODES.objectNode().put("a", 1), "t"));
        assertTrue(serde.sameCanonical(NODES.numberNode(1), NODES.numberNode(1.0), "t"));
        assertTrue(serde.sameCanonical(NODES.numberNode(0.0), NODES.numberNode(-0.0), "t"));
        assertTrue(serde.sameCanonical(NODES.numberNode(Double.NaN), NODES.nullNode(), "t"));
        assertTrue(serde.sameCanonical(NODES.numberNode(new BigDecimal("1.50")), NODES.numberNode(1.5), "t"));
        assertFalse(serde.sameCanonical(NODES.objectNode().put("a", 1).put("b", 2), NODES.objectNode().put("b", 2).put("a", 1), "t"));
        assertTrue(serde.sameCanonical(NODES.pojoNode(Secret.of("x")), NODES.objectNode().put("@secret", "x"), "t"));
        assertFalse(serde.sameCanonical(NODES.pojoNode(Secret.of("x")), NODES.pojoNode(Secret.of("y")), "t"));
        assertTrue(serde.sameCanonical(NODES.pojoNode(Secret.ofJson("{\"a\":1}")), NODES.pojoNode(Secret.ofJson("{ \"a\" : 1 }")), "t"));
        assertTrue(serde.sameCanonical(null, MissingNode.getInstance(), "t"));
        assertFalse(serde.sameCanonical(null, NODES.objectNode(), "t"));
    }

    @Test
    void plainMapsBecomeTheTreesJacksonMakes() {
        Random r = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            Object value = plain(r, 0);
            JsonNode direct = serde.toTree(value);
            JsonNode jackson = value == null ? null : serde.toTree(serde.mapper().valueToTree(value)); // in JS key order too
            if (value == null) {
                continue;
            }
            assertEquals(serde.canonical(jackson, "t"), serde.canonical(direct, "t"));
            assertEquals(kinds(jackson), kinds(direct));
        }
    }

    /** Node classes in document order: IntNode stays IntNode, POJO stays POJO. */
    private static String kinds(JsonNode n) {
        StringBuilder b = new StringBuilder(n.getClass().getSimpleName());
        if (n.isContainerNode()) {
            b.append('(');
            for (JsonNode c : n) {
                b.append(kinds(c)).append(',');
            }
            b.append(')');
        }
        return b.toString();
    }

    private static Object plain(Random r, int depth) {
        int kind = r.nextInt(depth > 2 ? 6 : 9);
        return switch (kind) {
            case 0 -> "s" + r.nextInt(5);
            case 1 -> r.nextInt(10) - 5;
            case 2 -> (long) r.nextInt(10) * 1_000_000_000_000L;
            case 3 -> r.nextBoolean();
            case 4 -> Secret.of("k" + r.nextInt(3));
            case 5 -> r.nextInt(8) == 0 ? null : 1.5 * r.nextInt(4); // Jackson's path
            case 6, 7 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    m.put(r.nextInt(4) == 0 ? Integer.toString(r.nextInt(3)) : "k" + r.nextInt(6), plain(r, depth + 1));
                }
                yield m;
            }
            default -> {
                List<Object> l = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    l.add(plain(r, depth + 1));
                }
                yield l;
            }
        };
    }

    private static JsonNode tree(Random r, int depth) {
        int kind = r.nextInt(depth > 2 ? 8 : 11);
        return switch (kind) {
            case 0 -> NODES.textNode(r.nextInt(6) == 0 ? "\u0001\"\\\ud800" : "s" + r.nextInt(3));
            case 1 -> NODES.numberNode(r.nextInt(3));
            case 2 -> switch (r.nextInt(6)) {
                case 0 -> NODES.numberNode((double) r.nextInt(3));
                case 1 -> NODES.numberNode(r.nextBoolean() ? Double.NaN : -0.0);
                case 2 -> NODES.numberNode(new BigDecimal(r.nextInt(3) + ".0"));
                case 3 -> NODES.numberNode(BigInteger.valueOf(r.nextInt(3)));
                case 4 -> NODES.numberNode((long) r.nextInt(3));
                default -> NODES.numberNode(0.1 * r.nextInt(3));
            };
            case 3 -> NODES.booleanNode(r.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> NODES.pojoNode(r.nextInt(4) == 0 ? Secret.ofJson("{\"a\":" + r.nextInt(2) + "}") : Secret.of("x" + r.nextInt(2)));
            case 6 -> NODES.objectNode().put("@secret", "x" + r.nextInt(2));
            case 7 -> MissingNode.getInstance();
            case 8, 9 -> {
                ObjectNode o = NODES.objectNode();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    o.set("k" + r.nextInt(4), tree(r, depth + 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = NODES.arrayNode();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.add(tree(r, depth + 1));
                }
                yield a;
            }
        };
    }

    /** A copy with one random change somewhere (or none), so that equal and nearly equal pairs are common. */
    private static JsonNode mutate(JsonNode node, Random r) {
        if (r.nextInt(4) == 0 || !node.isContainerNode() || node.size() == 0) {
            return r.nextInt(3) == 0 ? tree(r, 3) : node;
        }
        if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            int i = r.nextInt(a.size());
            a.set(i, mutate(a.get(i), r));
            return a;
        }
        ObjectNode o = (ObjectNode) node;
        Iterator<String> names = o.fieldNames();
        String pick = names.next();
        for (int skip = r.nextInt(o.size()); skip > 0; skip--) {
            pick = names.next();
        }
        o.set(pick, mutate(o.get(pick), r));
        return o;
    }
}
