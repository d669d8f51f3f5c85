package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.engine.VectorSupport;
import run.alchemy.engine.VectorSupport.Vector;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.engine.internal.SameValues.assertSameValue;

/**
 * The two shortcuts of a read give what the general path gives: a record deserialized ahead
 * ({@link StateSerde#parseAhead}, without a codec or with the reader's) is the record
 * {@link StateSerde#readRecord} reads,
 * and a tree bound to {@code Map.class} by {@link UntypedValues} is the map Jackson's
 * {@code treeToValue} binds (checked against {@code LinkedHashMap.class}, which only the mapper
 * binds), value by value and class by class.
 */
class ReadFastPathTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final StateSerde serde = new StateSerde();

    @ParameterizedTest
    @MethodSource("run.alchemy.engine.VectorSupport#recordFiles")
    void everyVectorRecordReadsTheSameAheadAndAsAMap(String name, String path) throws Exception {
        Vector v = VectorSupport.load(name);
        byte[] bytes = v.bytes(path);
        SecretCodec codec = new SecretCodec(v.password());
        ObjectNode read = serde.readRecord(bytes, path, codec);
        StateSerde.Parsed ahead = serde.parseAhead(bytes, null);
        assertNotNull(ahead, path);
        assertEquals(v.entry(path).has("secrets"), !ahead.revived(), "revived ahead without a codec only without secrets: " + path);
        assertSameRecord(read, serde.readRecord(bytes, ahead, () -> path, codec), path);
        StateSerde.Parsed opened = serde.parseAhead(bytes, codec);
        assertTrue(opened.revived(), "revived ahead with the codec: " + path);
        assertSameRecord(read, serde.readRecord(bytes, opened, () -> path, codec), "opened ahead: " + path);
        assertSameRecord(read, serde.readRecord(bytes, serde.parseAhead(bytes, codec), () -> path, new SecretCodec(v.password())),
                "opened ahead with another codec, read again: " + path);
        for (String field : List.of("props", "output")) {
            JsonNode value = read.get(field);
            if (value != null && value.isObject()) {
                assertSameValue(serde.fromTree(value, LinkedHashMap.class), serde.fromTree(value, Map.class), path + " " + field);
            }
        }
    }

    /** Records, each with whether it holds a secret (then only the reader, which has the codec, revives it). */
    static Stream<Arguments> records() {
        return Stream.of(
            Arguments.of("{\"kind\":\"k\",\"output\":{\"when\":{\"@date\":1700000000000},\"s\":{\"@symbol\":\"Symbol(x)\"},\"b\":{\"@buffer\":\"aGk=\"}}}", false),
            Arguments.of("{\"output\":{\"Symbol(alchemy::ResourceScope)\":{\"@scope\":null},\"z\":1,\"2\":2,\"1\":1,\"Symbol(a)\":0}}", false),
            Arguments.of("{\"output\":{\"gone\":{\"@symbol\":\"not a symbol\"},\"kept\":[{\"@schema\":{\"type\":\"string\"}}]}}", false),
            Arguments.of("{\"props\":{\"plain\":\"\\\"@secret\\\" in a string\",\"n\":[1,2.5,null,true]}}", false),
            Arguments.of("{\"props\":{\"escaped\":\"caf\\u00e9\",\"\\u0040note\":\"a key of @, no tag\"}}", false),
            Arguments.of("{\"props\":{\"erased\":{\"@secret\":\"\"},\"none\":{\"@secret\":null}}}", false),
            Arguments.of("{\"props\":{\"key\":{\"@secret\":\"x\"}}}", true),
            Arguments.of("{\"props\":{\"key\":{\"\\u0040secret\":\"x\"}}}", true),
            Arguments.of("{\"props\":{\"list\":[{\"@date\":0},{\"@secret\":\"x\"}]}}", true));
    }

    @ParameterizedTest
    @MethodSource("records")
    void aRecordIsDeserializedAheadAsTheReaderWouldUnlessItHoldsASecret(String json, boolean holdsSecret) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        StateSerde.Parsed ahead = serde.parseAhead(bytes, null);
        assertEquals(!holdsSecret, ahead.revived(), json);
        JsonNode expected = holdsSecret ? serde.parseRecord(bytes) : serde.readRecord(bytes, "rec.json", null);
        assertSameRecord(expected, ahead.tree(), (holdsSecret ? "as parsed, not half revived: " : "revived: ") + json);
    }

    @Test
    void aRecordDeserializedAheadIsTakenWithoutMakingItsLocation() {
        byte[] bytes = "{\"kind\":\"k\",\"status\":\"created\",\"output\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8);
        StateSerde.Parsed ahead = serde.parseAhead(bytes, null);
        assertTrue(ahead.revived());
        ObjectNode read = serde.readRecord(bytes, ahead, () -> {
            throw new AssertionError("the location is made only for an error");
        }, null);
        assertEquals(1, read.get("output").get("n").intValue());
        assertEquals(Status.CREATED, Records.status(read, () -> {
            throw new AssertionError("the location is made only for an error");
        }));
    }

    @Test
    void aRecordThatDoesNotDeserializeIsLeftToTheReaderWhichNamesIt() {
        byte[] bytes = "{\"output\":{\"when\":{\"@date\":\"yesterday\"}}}".getBytes(StandardCharsets.UTF_8);
        assertNull(serde.parseAhead(bytes, null));
        StateCorruptedException e = assertThrows(StateCorruptedException.class,
                () -> serde.readRecord(bytes, null, () -> "app/stage/rec.json", null));
        assertTrue(e.getMessage().contains("app/stage/rec.json") && e.getMessage().contains("/output/when"), e.getMessage());
    }

    @Test
    void aSecretOpenedAheadIsBoundToItsCodecAndAnotherCodecsReaderOpensItAgain() throws Exception {
        SecretCodec sealer = new SecretCodec("the-password");
        byte[] bytes = ("{\"props\":{\"key\":{\"@secret\":" + sealer.seal("hunter2", false) + "}}}").getBytes(StandardCharsets.UTF_8);
        SecretCodec mine = new SecretCodec("the-password");
        SecretCodec theirs = new SecretCodec("the-password");

        StateSerde.Parsed ahead = serde.parseAhead(bytes, mine);
        assertTrue(ahead.revived());
        assertEquals(mine, ahead.codec());
        assertEquals(mine, sealed(serde.readRecord(bytes, ahead, () -> "rec.json", mine)).codec, "taken as opened");
        SealedSecret reopened = sealed(serde.readRecord(bytes, serde.parseAhead(bytes, mine), () -> "rec.json", theirs));
        assertEquals(theirs, reopened.codec, "opened again by the reader's codec");
        assertEquals("hunter2", reopened.secret.reveal());
    }

    @Test
    void aSecretTheCodecCannotOpenIsLeftParsedForTheReaderWhichNamesTheRecord() throws Exception {
        byte[] bytes = ("{\"props\":{\"key\":{\"@secret\":" + new SecretCodec("the-password").seal("hunter2", false) + "}}}")
                .getBytes(StandardCharsets.UTF_8);
        SecretCodec wrong = new SecretCodec("another-password");

        StateSerde.Parsed ahead = serde.parseAhead(bytes, wrong);
        assertEquals(false, ahead.revived());
        assertSameRecord(serde.parseRecord(bytes), ahead.tree(), "as parsed, not half revived");
        SecretException e = assertThrows(SecretException.class, () -> serde.readRecord(bytes, ahead, () -> "app/stage/rec.json", wrong));
        assertTrue(e.getMessage().contains("app/stage/rec.json") && e.getMessage().contains("/props/key"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
    }

    private static SealedSecret sealed(ObjectNode record) {
        return (SealedSecret) ((POJONode) record.get("props").get("key")).getPojo();
    }

    @Test
    void everyKindOfValueBindsToAMapAsTheMapperBindsIt() throws Exception {
        ObjectNode tree = NODES.objectNode();
        tree.put("int", 7).put("short", (short) 3).put("negative", -7).put("max", Integer.MAX_VALUE)
                .put("long", Integer.MAX_VALUE + 1L).put("minLong", Long.MIN_VALUE)
                .put("big", BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE))
                .put("double", 1.5).put("huge", 1e300).put("negativeZero", -0.0).put("nan", Double.NaN)
                .put("text", "é\u2028\"").put("empty", "").put("yes", true).put("no", false).putNull("null");
        tree.putObject("nested").putObject("deeper").putArray("list").add(1).addNull().add("x").addObject();
        tree.putArray("emptyList");
        tree.putObject("emptyObject");
        tree.putPOJO("secret", Secret.of("hunter2"));
        tree.set("sealed", NODES.pojoNode(new SealedSecret(Secret.of("sealed"), null, null)));
        Map<String, Object> fast = UntypedValues.map(tree);
        assertNotNull(fast, "a tree of these kinds is bound without the mapper");
        assertSameValue(serde.fromTree(tree, LinkedHashMap.class), serde.fromTree(tree, Map.class), "");
        assertEquals("sealed", ((Secret) fast.get("sealed")).reveal());
    }

    @Test
    void aNodeKindTheWalkDoesNotMapIsLeftToTheMapper() throws Exception {
        for (JsonNode odd : List.of(NODES.numberNode(1.5f), NODES.numberNode(new BigDecimal("1.10")),
                NODES.binaryNode(new byte[] {1, 2}), NODES.pojoNode(List.of(1)))) {
            ObjectNode tree = NODES.objectNode();
            tree.putObject("inner").putArray("list").add(odd);
            assertNull(UntypedValues.map(tree), odd.getClass().getSimpleName());
            assertSameValue(serde.fromTree(tree, LinkedHashMap.class), serde.fromTree(tree, Map.class), odd.toString());
        }
    }

    /** Equal records with their keys in the same order at every level (secrets compared by value). */
    private static void assertSameRecord(JsonNode expected, JsonNode actual, String where) {
        assertEquals(comparable(expected), comparable(actual), where);
        assertEquals(comparable(expected).toString(), comparable(actual).toString(), "key order: " + where);
    }

    /** A copy with each secret replaced by a text naming its value (two reads open two equal secrets). */
    private static JsonNode comparable(JsonNode node) {
        if (node.isPojo()) {
            Object pojo = ((POJONode) node).getPojo();
            return pojo instanceof SealedSecret sealed ? NODES.textNode("secret " + sealed.secret.reveal()) : node;
        }
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), comparable(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(child -> copy.add(comparable(child)));
            return copy;
        }
        return node;
    }
}
