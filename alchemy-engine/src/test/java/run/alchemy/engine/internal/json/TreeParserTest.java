package run.alchemy.engine.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import run.alchemy.engine.VectorSupport;
import run.alchemy.engine.internal.StateSerde;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link TreeParser} against Jackson's {@code readTree} (the engine's own mapper): on every vector
 * record, on generated documents and on damaged copies of them, whatever it takes Jackson takes
 * too and parses to the same tree, node class by node class and key by key; and a tree it calls
 * plain is one that reviving leaves as it is.
 */
class TreeParserTest {
    private final StateSerde serde = new StateSerde();
    private final ObjectMapper jackson = serde.mapper();

    @ParameterizedTest
    @MethodSource("run.alchemy.engine.VectorSupport#recordFiles")
    void everyRecordAlchemyWroteThatItTakesParsesAsJacksonParsesIt(String name, String path) throws Exception {
        byte[] bytes = VectorSupport.load(name).bytes(path);
        TreeParser.Tree tree = TreeParser.parseObject(bytes);
        if (tree != null) {
            assertSameTree(jackson.readTree(bytes), tree.root(), path);
            assertPlainOnlyIfRevivingChangesNothing(bytes, tree);
        }
    }

    @Test
    void itTakesMostRecordsAlchemyWrote() {
        List<String[]> files = VectorSupport.recordFiles().toList();
        long taken = files.stream().filter(f -> TreeParser.parseObject(VectorSupport.load(f[0]).bytes(f[1])) != null).count();
        assertTrue(taken * 2 > files.size(), "taken " + taken + " of " + files.size());
    }

    @Test
    void generatedDocumentsParseAsJacksonParsesThem() throws Exception {
        Random random = new Random(20261204);
        int taken = 0;
        int plain = 0;
        for (int i = 0; i < 3000; i++) {
            String json = document(random);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            TreeParser.Tree tree = TreeParser.parseObject(bytes);
            if (tree == null) {
                continue;
            }
            taken++;
            assertSameTree(jackson.readTree(bytes), tree.root(), json);
            assertPlainOnlyIfRevivingChangesNothing(bytes, tree);
            plain += tree.plain() ? 1 : 0;
        }
        assertTrue(taken > 1500 && plain > 100 && plain < taken, "taken " + taken + ", plain " + plain);
    }

    /** Bytes changed, dropped, doubled or cut: what the parser still takes, Jackson takes as the same tree. */
    @Test
    void aDamagedDocumentItTakesIsOneJacksonTakesAlike() throws Exception {
        Random random = new Random(7);
        int taken = 0;
        int refused = 0;
        for (int i = 0; i < 20000; i++) {
            byte[] bytes = damaged(document(random).getBytes(StandardCharsets.UTF_8), random);
            TreeParser.Tree tree = TreeParser.parseObject(bytes);
            if (tree == null) {
                refused++;
                continue;
            }
            taken++;
            JsonNode expected;
            try {
                expected = jackson.readTree(bytes);
            } catch (Exception e) {
                fail("taken, but Jackson refuses it (" + e.getMessage() + "): " + new String(bytes, StandardCharsets.ISO_8859_1));
                return;
            }
            assertSameTree(expected, tree.root(), new String(bytes, StandardCharsets.ISO_8859_1));
        }
        assertTrue(taken > 1000 && refused > 1000, "taken " + taken + ", refused " + refused);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "  ", "[]", "\"s\"", "1", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,}", "{,}", "{\"a\" 1}",
        "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":-0}", "{\"a\":1e3}", "{\"a\":1.5E-3}", "{\"a\":01}", "{\"a\":1.}",
        "{\"a\":.5}", "{\"a\":-}", "{\"a\":1234567890123456789}", "{\"a\":tru}", "{\"a\":truex}", "{\"a\":nul}",
        "{\"a\":NaN}", "{\"a\":\"caf\u00e9\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u12g4\"}", "{\"a\":1,\"a\":2}", "{'a':1}", "{a:1}", "{\"a\":[1,]}", "{\"a\":[,1]}",
        "{\"a\":\"del\u007f\"}", "{\"a\":\"\\ud83d\\ude00\"}", "{\"\\udae0e\":1}", "{\"a\":\"\\uDC00\"}"})
    void whatIsOutsideTheSubsetIsLeftToJackson(String json) {
        assertNull(TreeParser.parseObject(json.getBytes(StandardCharsets.UTF_8)), json);
    }

    @Test
    void nestingDeeperThanSixtyFourIsLeftToJackson() throws Exception {
        String deep = "{\"a\":".repeat(64) + "1" + "}".repeat(64);
        assertNotNull(TreeParser.parseObject(deep.getBytes(StandardCharsets.UTF_8)));
        String deeper = "{\"a\":".repeat(65) + "1" + "}".repeat(65);
        assertNull(TreeParser.parseObject(deeper.getBytes(StandardCharsets.UTF_8)));
        assertNotNull(jackson.readTree(deeper));
    }

    @Test
    void numbersTakeJacksonsNodeClasses() throws Exception {
        String json = "{\"i\":2147483647,\"j\":-2147483648,\"k\":2147483648,\"l\":-922337203685477580,"
                + "\"d\":0.1,\"e\":-12.50,\"z\":0,\"f\":0.0,\"g\":-0.0}";
        TreeParser.Tree tree = TreeParser.parseObject(json.getBytes(StandardCharsets.UTF_8));
        assertNotNull(tree);
        assertSameTree(jackson.readTree(json), tree.root(), json);
    }

    @Test
    void escapesDecodeAsJacksonDecodesThem() throws Exception {
        String json = "{\"k\\u0041\\n\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\u00FF end\"}";
        TreeParser.Tree tree = TreeParser.parseObject(json.getBytes(StandardCharsets.UTF_8));
        assertNotNull(tree);
        assertSameTree(jackson.readTree(json), tree.root(), json);
    }

    @Test
    void plainMeansNoTagKeyAndKeysInJsOrder() {
        assertTrue(plain("{\"Symbol(a)\":0,\"1\":1,\"2\":{\"x\":[{\"y\":1}]},\"z\":1}"));
        assertFalse(plain("{\"b\":{\"@secret\":\"x\"}}"), "a tag key");
        assertFalse(plain("{\"b\":[{\"@date\":0}]}"), "a tag key in a list");
        assertFalse(plain("{\"b\":1,\"Symbol(x)\":2}"), "a symbol after a string key");
        assertFalse(plain("{\"2\":1,\"1\":2}"), "indexes descending");
        assertFalse(plain("{\"a\":1,\"0\":2}"), "an index after a string key");
        assertTrue(plain("{\"0\":1,\"01\":2}"), "01 is no index: a string key, after the indexes");
    }

    private boolean plain(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        TreeParser.Tree tree = TreeParser.parseObject(bytes);
        assertNotNull(tree, json);
        assertPlainOnlyIfRevivingChangesNothing(bytes, tree);
        return tree.plain();
    }

    /** A plain tree is one the engine's reader, given Jackson's tree of the same bytes, leaves as it is. */
    private void assertPlainOnlyIfRevivingChangesNothing(byte[] bytes, TreeParser.Tree tree) {
        if (!tree.plain()) {
            return;
        }
        ObjectNode parsed;
        try {
            parsed = (ObjectNode) jackson.readTree(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        ObjectNode before = parsed.deepCopy();
        ObjectNode read = serde.readRecord(bytes, new StateSerde.Parsed(parsed, false, null), () -> "rec.json", null);
        assertSameTree(before, read, "revived, called plain: " + new String(bytes, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- documents

    private static final String[] KEYS = {"a", "name", "Symbol(alchemy::ResourceID)", "0", "1", "7", "@secret",
        "@date", "x\\ny", "k\\u00e9", "caf\u00e9", "10", "", "spaced key", "lone\\ud83dx"};

    private static String document(Random r) {
        StringBuilder out = new StringBuilder();
        object(r, out, 0);
        return out.toString();
    }

    private static void object(Random r, StringBuilder out, int depth) {
        out.append('{').append(space(r));
        int n = r.nextInt(depth == 0 ? 6 : 4);
        List<String> used = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = KEYS[r.nextInt(KEYS.length)];
            if (used.contains(key) && r.nextInt(10) > 0) {
                continue;
            }
            used.add(key);
            if (i > 0) {
                out.append(',').append(space(r));
            }
            out.append('"').append(key).append('"').append(space(r)).append(':').append(space(r));
            value(r, out, depth + 1);
            out.append(space(r));
        }
        out.append('}');
    }

    private static void value(Random r, StringBuilder out, int depth) {
        switch (depth > 4 ? 4 + r.nextInt(8) : r.nextInt(12)) {
            case 0, 1 -> object(r, out, depth);
            case 2, 3 -> {
                out.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',').append(space(r));
                    }
                    value(r, out, depth + 1);
                }
                out.append(']');
            }
            case 4, 5 -> out.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
            case 6 -> out.append(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null");
            case 7 -> out.append(r.nextInt());
            case 8 -> out.append(r.nextLong() >> r.nextInt(64));
            case 9 -> out.append(r.nextInt(2000) - 1000).append('.').append(r.nextInt(100000));
            case 10 -> out.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            default -> out.append(r.nextInt(100));
        }
    }

    private static final String[] STRINGS = {"", "plain", "res-000042", "with \\\"quote\\\"", "back\\\\slash",
        "\\u0041\\u00e9\\ud83d\\ude00", "tab\\tnew\\nline", "caf\u00e9", "emoji \ud83d\ude00", "slash\\/", "@secret"};
    private static final String[] NUMBERS = {"0", "-1", "9223372036854775807", "123456789012345678", "1e5",
        "-0", "0.5", "3.141592653589793", "1.7976931348623157", "2147483648", "-2147483649", "0.000001"};

    private static String space(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\t";
            default -> "";
        };
    }

    /** What a changed byte becomes: JSON's punctuation, digits, letters of its literals, and a byte that is no UTF-8. */
    private static final String DAMAGE = " \"{}[],:0-.e\\tfnu9a\u00e9";

    private static byte[] damaged(byte[] bytes, Random r) {
        byte[] b = bytes.clone();
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && b.length > 1; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0 -> b[at] = (byte) DAMAGE.charAt(r.nextInt(DAMAGE.length()));
                case 1 -> b = concat(b, 0, at, b, at + 1, b.length);
                case 2 -> b = concat(b, 0, at + 1, b, at, b.length);
                default -> b = java.util.Arrays.copyOf(b, at);
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, int from, int to, byte[] c, int cFrom, int cTo) {
        byte[] out = new byte[(to - from) + (cTo - cFrom)];
        System.arraycopy(a, from, out, 0, to - from);
        System.arraycopy(c, cFrom, out, to - from, cTo - cFrom);
        return out;
    }

    // ---------------------------------------------------------------- comparing trees

    private static void assertSameTree(JsonNode expected, JsonNode actual, String where) {
        if (!sameTree(expected, actual)) {
            fail("trees differ for " + where + "\n expected " + expected + "\n actual   " + actual);
        }
    }

    /**
     * Equal trees whose every node is of the same class (Jackson's nodes are equal only to nodes of
     * their own class: an {@code IntNode} never equals a {@code LongNode}), and keys in the same
     * order (which {@code equals} ignores, and the text shows).
     */
    private static boolean sameTree(JsonNode a, JsonNode b) {
        return a.equals(b) && a.toString().equals(b.toString());
    }
}
