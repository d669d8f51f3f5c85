package run.alchemy.engine.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import run.alchemy.api.Secret;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static run.alchemy.engine.internal.SameValues.assertSameValue;

/**
 * {@link RecordValues} binds plain records exactly as the mapper does, both ways: each value's
 * tree is the one {@code valueToTree} makes (in the same key order), and each tree binds to the
 * record {@code treeToValue} binds, component by component and class by class. Records that are
 * not plain, and values it does not map, are left to the mapper (checked: the shortcut declines).
 */
class RecordValuesTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public record Flat(String s, int i, Integer boxed, long l, Long bl, boolean b, Boolean bb, double d, Double bd) {
    }

    public record Nested(String name, List<String> tags, Map<String, Integer> counts, Flat flat, List<Flat> flats,
                         Map<String, List<String>> groups, Secret token) {
    }

    public record Chain(String value, Chain next) {
    }

    /** Package-private, as a test's or a program's own records often are: bound through setAccessible, as the mapper does. */
    record Hidden(String a, int b) {
    }

    public record Renamed(@JsonProperty("x") String y) {
    }

    public record WithGetter(String a) {
        public String getB() {
            return "b of " + a;
        }
    }

    public record WithInterface(String a) implements Comparable<WithInterface> {
        @Override
        public int compareTo(WithInterface o) {
            return a.compareTo(o.a);
        }
    }

    public record WithInstant(String a, Instant at) {
    }

    public record TwoConstructors(String a, int b) {
        public TwoConstructors(String a) {
            this(a, 1);
        }
    }

    public record Validating(String a) {
        public Validating {
            if (a == null || a.isEmpty()) {
                throw new IllegalArgumentException("a must be set");
            }
        }
    }

    public record FloatHolder(float f, short s) {
    }

    private final StateSerde serde = new StateSerde();
    private final ObjectMapper mapper = serde.mapper();
    private final RecordValues records = new RecordValues();

    private static final Secret TOKEN = Secret.of("s3cr3t");

    static Stream<Record> plainValues() {
        Flat flat = new Flat("s", 7, 8, 9_000_000_000L, -3L, true, false, 0.25, -0.0);
        return Stream.of(
                flat,
                new Flat(null, 0, null, 0, null, false, null, Double.NaN, null),
                new Flat("", Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, true, true,
                        Double.MAX_VALUE, Double.POSITIVE_INFINITY),
                new Nested("n", List.of("a", "b"), new LinkedHashMap<>(Map.of("z", 1)), flat, List.of(flat, flat),
                        Map.of("g", List.of("x")), TOKEN),
                new Nested("n", List.of(), Map.of(), null, List.of(), Map.of(), null),
                new Nested("index keys", List.of("1"), orderedCounts(), flat, new ArrayList<>(), Map.of(), TOKEN),
                new Chain("a", new Chain("b", new Chain("c", null))),
                new Hidden("h", 2));
    }

    private static Map<String, Integer> orderedCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("10", 2);
        m.put("a", 3);
        m.put("2", 4);
        return m;
    }

    static Stream<Record> valuesLeftToTheMapper() {
        return Stream.of(
                new Renamed("y"),
                new WithGetter("a"),
                new WithInterface("a"),
                new WithInstant("a", Instant.ofEpochMilli(1_700_000_000_000L)),
                new TwoConstructors("a", 2),
                new FloatHolder(1.5f, (short) 3),
                new Nested("null in a list", Arrays.asList("a", null), Map.of(), null, List.of(), Map.of(), null),
                new Nested("a list of another kind", List.copyOf(new java.util.TreeSet<>(List.of("a"))), Map.of(),
                        null, List.of(), Map.of(), null));
    }

    @ParameterizedTest
    @MethodSource("plainValues")
    void aPlainRecordsTreeIsTheMappersInTheSameOrder(Record value) {
        assertNotNull(records.tree(value, this::leaf), "the shortcut maps " + value);
        JsonNode expected = StateSerde.jsOrder(mapper.valueToTree(value), false);
        JsonNode actual = serde.toTree(value);
        assertEquals(expected, actual, value.toString());
        assertSameOrder(expected, actual, value.getClass().getSimpleName());
    }

    @ParameterizedTest
    @MethodSource("valuesLeftToTheMapper")
    void aRecordThatIsNotPlainIsLeftToTheMapper(Record value) {
        if (!(value instanceof Nested)) {
            assertNull(records.tree(value, this::leaf), "the shortcut declines " + value.getClass().getSimpleName());
        }
        JsonNode expected = StateSerde.jsOrder(mapper.valueToTree(value), false);
        assertEquals(expected, serde.toTree(value), value.toString());
        assertSameOrder(expected, serde.toTree(value), value.getClass().getSimpleName());
    }

    @ParameterizedTest
    @MethodSource("plainValues")
    void aPlainRecordsTreeBindsToTheMappersRecord(Record value) throws Exception {
        JsonNode tree = serde.toTree(value);
        Object fast = records.value(tree, value.getClass());
        assertNotSame(RecordValues.UNMAPPED, fast, "the shortcut binds " + value);
        assertSameValue(mapper.treeToValue(tree, value.getClass()), fast, value.getClass().getSimpleName());
        assertEquals(value, serde.fromTree(tree, value.getClass()));
    }

    /** Trees as a store holds them: other number kinds, missing, null and unknown properties, wrong kinds. */
    static Stream<Arguments> storedTrees() {
        return Stream.of(
                Arguments.of(Flat.class, "{\"s\":\"x\",\"i\":1,\"boxed\":2,\"l\":3,\"bl\":4,\"b\":true,\"bb\":false,\"d\":5,\"bd\":6}"),
                Arguments.of(Flat.class, "{\"s\":\"x\",\"l\":12345678901,\"d\":12345678901,\"bd\":0.5}"),
                Arguments.of(Flat.class, "{}"),
                Arguments.of(Flat.class, "{\"s\":null,\"i\":null,\"boxed\":null,\"l\":null,\"b\":null,\"d\":null,\"unknown\":{\"deep\":[1]}}"),
                Arguments.of(Flat.class, "{\"s\":7,\"i\":\"7\",\"l\":\"8\",\"b\":\"true\",\"d\":\"0.5\"}"),
                Arguments.of(Flat.class, "{\"i\":1.5,\"boxed\":2.0,\"l\":3.7}"),
                Arguments.of(Flat.class, "{\"i\":12345678901}"),
                Arguments.of(Flat.class, "{\"l\":123456789012345678901234567890}"),
                Arguments.of(Flat.class, "{\"s\":{\"@date\":\"2024-01-01T00:00:00.000Z\"}}"),
                Arguments.of(Flat.class, "{\"s\":[\"a\"]}"),
                Arguments.of(Flat.class, "{\"b\":1}"),
                Arguments.of(Nested.class, "{\"name\":\"n\",\"tags\":[\"a\"],\"counts\":{\"1\":1,\"a\":2},\"flat\":{\"s\":\"f\"},\"flats\":[{},{\"i\":3}],"
                        + "\"groups\":{\"g\":[]}}"),
                Arguments.of(Nested.class, "{\"tags\":[\"a\",null],\"counts\":{\"a\":null}}"),
                Arguments.of(Nested.class, "{\"tags\":\"a\"}"),
                Arguments.of(Nested.class, "{\"tags\":[1,2]}"),
                Arguments.of(Nested.class, "{\"counts\":[1]}"),
                Arguments.of(Nested.class, "{\"flat\":\"f\"}"),
                Arguments.of(Nested.class, "{\"flats\":[null]}"),
                Arguments.of(Nested.class, "{\"token\":\"plain text\"}"));
    }

    @ParameterizedTest
    @MethodSource("storedTrees")
    void aStoredTreeBindsAsTheMapperBindsIt(Class<?> type, String json) throws Exception {
        assertBindsAsTheMapper(mapper.readTree(json), type);
    }

    @Test
    void aSecretReadFromStateBindsToItsSecret() throws Exception {
        ObjectNode tree = (ObjectNode) serde.toTree(new Nested("n", List.of(), Map.of(), null, List.of(), Map.of(), null));
        tree.set("token", NODES.pojoNode(new SealedSecret(TOKEN, null, null)));
        Nested bound = serde.fromTree(tree, Nested.class);
        assertSame(TOKEN, bound.token());
        assertNotSame(RecordValues.UNMAPPED, records.value(tree, Nested.class));
    }

    @Test
    void aConstructorThatRefusesTheValuesIsLeftToTheMapperWhichSaysWhy() throws Exception {
        assertNotSame(RecordValues.UNMAPPED, records.value(mapper.readTree("{\"a\":\"set\"}"), Validating.class));
        assertSame(RecordValues.UNMAPPED, records.value(mapper.readTree("{}"), Validating.class));
        Exception e = assertThrows(Exception.class, () -> serde.fromTree(mapper.readTree("{}"), Validating.class));
        assertTrue(e.getMessage().contains("a must be set"), e.getMessage());
    }

    @Test
    void recordsThatAreNotPlainAreNotBoundByTheShortcut() throws Exception {
        JsonNode tree = mapper.readTree("{\"a\":\"v\",\"y\":\"v\",\"x\":\"v\",\"b\":2,\"at\":{\"@date\":\"2024-01-01T00:00:00.000Z\"}}");
        for (Class<?> type : List.of(Renamed.class, WithGetter.class, WithInterface.class, WithInstant.class,
                TwoConstructors.class, FloatHolder.class)) {
            assertSame(RecordValues.UNMAPPED, records.value(tree, type), type.getSimpleName());
            assertBindsAsTheMapper(tree, type);
        }
    }

    private void assertBindsAsTheMapper(JsonNode tree, Class<?> type) {
        Object expected;
        try {
            expected = mapper.treeToValue(tree, type);
        } catch (Exception e) {
            Exception actual = assertThrows(Exception.class, () -> serde.fromTree(tree, type), tree.toString());
            assertEquals(e.getClass(), actual.getClass(), tree.toString());
            return;
        }
        try {
            assertSameValue(expected, serde.fromTree(tree, type), type.getSimpleName() + " " + tree);
        } catch (Exception e) {
            fail(tree + ": the mapper binds it, the serde fails: " + e);
        }
    }

    /** Scalars and JDK containers as the serde makes them: what {@link StateSerde}'s own walk hands the records. */
    private JsonNode leaf(Object v) {
        return serde.toTree(v);
    }

    private static void assertSameOrder(JsonNode expected, JsonNode actual, String where) {
        if (expected.isObject()) {
            List<String> e = new ArrayList<>();
            expected.fieldNames().forEachRemaining(e::add);
            List<String> a = new ArrayList<>();
            actual.fieldNames().forEachRemaining(a::add);
            assertEquals(e, a, where);
            e.forEach(name -> assertSameOrder(expected.get(name), actual.get(name), where + "/" + name));
        } else if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertSameOrder(expected.get(i), actual.get(i), where + "/" + i);
            }
        }
    }
}
