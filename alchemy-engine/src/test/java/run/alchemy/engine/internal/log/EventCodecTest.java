package run.alchemy.engine.internal.log;

import org.junit.jupiter.api.Test;
import run.alchemy.api.Phase;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventCodecTest {
    /** The index's keys are written and read without the parser when nothing needs escaping: same text, same address. */
    @Test
    void recordKeysAreJsonArraysAndReadBack() {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String alphabet = "ab/:.- \"\\\u0001\n\u00e9\u2028\u263a,[]";
        java.util.Random r = new java.util.Random(20261125);
        for (int n = 0; n < 5_000; n++) {
            List<String> chain = new ArrayList<>();
            int depth = r.nextInt(4);
            for (int d = 0; d < depth; d++) {
                chain.add(word(r, alphabet));
            }
            String id = word(r, alphabet);
            String key = EventCodec.key(chain, id);
            com.fasterxml.jackson.databind.node.ArrayNode expected = json.createArrayNode();
            chain.forEach(expected::add);
            expected.add(id);
            assertEquals(expected.toString(), key);
            Map.Entry<List<String>, String> back = EventCodec.parseKey(key);
            assertEquals(chain, back.getKey(), key);
            assertEquals(id, back.getValue(), key);
        }
    }

    private static String word(java.util.Random r, String alphabet) {
        StringBuilder w = new StringBuilder();
        int len = r.nextInt(6);
        for (int i = 0; i < len; i++) {
            // mostly plain names, as real ids are; sometimes a character that needs escaping
            w.append(r.nextInt(4) == 0 ? alphabet.charAt(r.nextInt(alphabet.length())) : (char) ('a' + r.nextInt(26)));
        }
        return w.toString();
    }

    /**
     * A create writes two distinct events: declared (the initial record) then creating (with props).
     * Logs written before declared existed named both creating: such a line still reads, as CREATING.
     */
    @Test
    void theTwoEventsBeforeACreateHaveDistinctNamesAndOldLogsStillRead() {
        Instant t = Instant.parse("2026-11-25T10:12:56Z");
        String declared = new String(EventCodec.encode(new ResourceEvent(1, t, "r1", Type.DECLARED,
                List.of("app", "dev"), "a", "k::K", "{}")), StandardCharsets.UTF_8);
        String creating = new String(EventCodec.encode(new ResourceEvent(2, t, "r1", Type.CREATING,
                List.of("app", "dev"), "a", "k::K", "{}")), StandardCharsets.UTF_8);
        assertTrue(declared.contains("\"type\":\"declared\""), declared);
        assertTrue(creating.contains("\"type\":\"creating\""), creating);
        assertEquals(Type.DECLARED, ((ResourceEvent) EventCodec.decode(1, declared.getBytes(StandardCharsets.UTF_8),
                "log")).type());

        // written by an earlier alchemy-java: the initial record, named creating
        String old = "{\"v\":1,\"type\":\"creating\",\"time\":\"2026-11-20T08:00:00Z\",\"run\":\"r0\","
                + "\"chain\":[\"app\",\"dev\"],\"id\":\"a\",\"kind\":\"k::K\",\"snapshot\":"
                + "\"{\\\"kind\\\":\\\"k::K\\\",\\\"status\\\":\\\"creating\\\"}\"}";
        Event e = EventCodec.decode(7, old.getBytes(StandardCharsets.UTF_8), "old log");
        ResourceEvent c = assertInstanceOf(ResourceEvent.class, e);
        assertEquals(Type.CREATING, c.type());
        assertEquals(7, c.position());
        assertEquals(List.of("app", "dev"), c.chain());
        assertEquals("{\"kind\":\"k::K\",\"status\":\"creating\"}", c.snapshot());
    }

    /**
     * The stored name of every resource event type, the log format: each type is written under its
     * name and each name reads as its type. A renamed constant or wire string fails here; a new
     * type fails until it is given a name of its own.
     */
    private static final Map<Type, String> STORED = storedNames();

    private static Map<Type, String> storedNames() {
        Map<Type, String> names = new EnumMap<>(Type.class);
        names.put(Type.DECLARED, "declared");
        names.put(Type.CREATING, "creating");
        names.put(Type.CREATED, "created");
        names.put(Type.UPDATING, "updating");
        names.put(Type.UPDATED, "updated");
        names.put(Type.REPLACED, "replaced");
        names.put(Type.DELETED, "deleted");
        names.put(Type.EXTERNAL_CHANGE, "external-change");
        names.put(Type.IMPORTED, "imported");
        names.put(Type.FORGOTTEN, "forgotten");
        names.put(Type.MOVED, "moved");
        names.put(Type.RESTORED, "restored");
        return names;
    }

    @Test
    void everyTypeIsStoredUnderItsOwnNameAndReadsBackAsIt() {
        assertEquals(EnumSet.allOf(Type.class), STORED.keySet(), "every type has a stored name");
        assertEquals(STORED.size(), new HashSet<>(STORED.values()).size(), "no two types share a name");
        Instant t = Instant.parse("2026-11-25T10:12:56Z");
        for (Map.Entry<Type, String> entry : STORED.entrySet()) {
            Type type = entry.getKey();
            String name = entry.getValue();
            boolean removal = type == Type.DELETED || type == Type.FORGOTTEN;
            String snapshot = removal ? null : "{}";
            // written: the type's name
            String line = new String(EventCodec.encode(new ResourceEvent(3, t, "r1", type, List.of("app", "dev"), "a",
                    "k::K", snapshot)), StandardCharsets.UTF_8);
            assertEquals("{\"v\":1,\"type\":\"" + name + "\",\"time\":\"2026-11-25T10:12:56Z\",\"run\":\"r1\","
                    + "\"chain\":[\"app\",\"dev\"],\"id\":\"a\",\"kind\":\"k::K\""
                    + (snapshot == null ? "" : ",\"snapshot\":\"{}\"") + "}", line, type.name());
            // read: a line naming it, as a line written by any version would
            String stored = "{\"v\":1,\"type\":\"" + name + "\",\"time\":\"2026-11-25T10:12:56Z\",\"run\":\"r1\","
                    + "\"chain\":[\"app\",\"dev\"],\"id\":\"a\",\"kind\":\"k::K\",\"snapshot\":\"{}\"}";
            ResourceEvent read = assertInstanceOf(ResourceEvent.class,
                    EventCodec.decode(3, stored.getBytes(StandardCharsets.UTF_8), "log"), name);
            assertEquals(type, read.type(), name);
            assertEquals(removal ? null : "{}", read.snapshot(), name + ": a removal has no snapshot");
        }
    }

    /** A run's end stores its outcome as the strings {@code succeeded} and {@code failed}, as before it was a flag. */
    @Test
    void aRunsOutcomeIsStoredAsSucceededOrFailed() {
        Instant t = Instant.parse("2026-11-25T10:12:56Z");
        for (boolean succeeded : new boolean[] {true, false}) {
            String outcome = succeeded ? "succeeded" : "failed";
            String line = new String(EventCodec.encode(new RunFinished(9, t, "r1", succeeded, 1234, 1, 2, 3, 4, 5, 6, null)),
                    StandardCharsets.UTF_8);
            String expected = "{\"v\":1,\"type\":\"run-finished\",\"time\":\"2026-11-25T10:12:56Z\",\"run\":\"r1\","
                    + "\"outcome\":\"" + outcome + "\",\"durationMs\":1234,\"created\":1,\"updated\":2,\"replaced\":3,"
                    + "\"deleted\":4,\"skipped\":5,\"failed\":6}";
            assertEquals(expected, line);
            RunFinished read = assertInstanceOf(RunFinished.class,
                    EventCodec.decode(9, expected.getBytes(StandardCharsets.UTF_8), "log"));
            assertEquals(succeeded, read.succeeded(), outcome);
        }
    }

    @Test
    void everyEventRoundTripsThroughItsLine() {
        Instant t = Instant.parse("2026-11-25T10:12:56.573010166Z");
        List<Event> events = new ArrayList<>();
        for (Type type : Type.values()) {
            events.add(new ResourceEvent(7, t, "run-1", type, List.of("app", "dev", "a/b"), "id\u2028x",
                    "test::Thing", type == Type.DELETED || type == Type.FORGOTTEN ? null : "{\n  \"kind\": \"t\",\n  \"s\": \"é\\n\"\n}"));
        }
        events.add(new RunStarted(7, t, "run-1", "me@host", 42, Phase.DESTROY, "java Main", null, null));
        events.add(new RunStarted(7, t, "run-1", "me@host", 42, Phase.UP, "java Main", "roll out \"v2\"", "0123456789abcdef0123456789abcdef01234567"));
        events.add(new RunFinished(7, t, "run-1", false, 1234, 1, 2, 3, 4, 5, 6, null));
        events.add(new RunFinished(7, t, "run-1", false, 1234, 1, 2, 3, 4, 5, 6, "create of a/b failed: no"));
        events.add(new RunFinished(7, t, "run-1", true, 1234, 1, 2, 3, 4, 5, 6, null));
        events.add(new Checkpoint(7, t, "compaction", Map.of(EventCodec.key(List.of("app", "dev"), "x"), "{}")));
        for (Event e : events) {
            byte[] line = EventCodec.encode(e);
            assertFalse(new String(line, StandardCharsets.UTF_8).contains("\n"), "one line: " + e);
            assertEquals(e, EventCodec.decode(7, line, "test"));
        }
    }

    @Test
    void instantsParseExactlyWithOrWithoutFractions() {
        for (String s : List.of("2026-11-25T10:12:56Z", "2026-11-25T10:12:56.5Z", "1970-01-01T00:00:00.000000001Z",
                "2024-02-29T23:59:59.999Z", "+10000-01-01T00:00:00Z")) {
            assertEquals(Instant.parse(s), EventCodec.parseInstant(s), s);
        }
    }

    @Test
    void unknownSchemasAndGarbageAreTypedErrors() {
        assertThrows(StateCorruptedException.class, () -> EventCodec.decode(1, "{\"v\":2,\"type\":\"created\"}"
                .getBytes(StandardCharsets.UTF_8), "log"));
        assertThrows(StateCorruptedException.class, () -> EventCodec.decode(1, "not json".getBytes(StandardCharsets.UTF_8), "log"));
        assertThrows(StateCorruptedException.class, () -> EventCodec.decode(1,
                "{\"v\":1,\"type\":\"nope\",\"time\":\"2026-11-25T10:12:56Z\"}".getBytes(StandardCharsets.UTF_8), "log"));
        // a resource event's line without its id or kind is damage, not an event without an address
        assertThrows(StateCorruptedException.class, () -> EventCodec.decode(1,
                "{\"v\":1,\"type\":\"created\",\"time\":\"2026-11-25T10:12:56Z\",\"chain\":[\"app\"]}"
                        .getBytes(StandardCharsets.UTF_8), "log"));
    }

    /** Inputs the fuzzer found (alchemy-fuzz EventTarget): each is a typed error naming the log and position, never another exception or a hang. */
    @Test
    void malformedEventsAreTypedErrorsNamingWhere() {
        String head = "{\"v\":" + Event.SCHEMA + ",\"type\":\"created\",\"run\":\"r\",\"id\":\"a\",\"kind\":\"k\",";
        List<String> bad = List.of(
                head + "\"time\":\"1e268dd-7e8b-4f4b-8c8c-9d039ef63c69\"}",
                head + "\"time\":\"2026-12-01T23:23:39.83289128Z9\"}",
                head + "\"time\":\"2026-12-01T23:23:39Z\",\"chain\":5}",
                head + "\"time\":\"2026-12-01T23:23:39Z\",\"chain\":[[\"x\"]]}",
                "{\"v\":" + Event.SCHEMA + ",\"type\":\"checkpoint\",\"time\":\"2026-12-01T23:23:39Z\",\"snapshots\":7,\"run\":\"r\"}",
                "{\"v\":" + Event.SCHEMA + ",\"type\":\"checkpoint\",\"time\":\"2026-12-01T23:23:39Z\",\"snapshots\":{\"a\":{}}}",
                "{\"v\":" + Event.SCHEMA + ",\"type\":\"run-started\",\"time\":\"2026-12-01T23:23:39Z\",\"pid\":\"x\"}",
                "{\"v\":" + Event.SCHEMA + ",\"type\":\"run-started\",\"time\":\"2026-12-01T23:23:39Z\",\"phase\":\"sideways\"}",
                "{\"v\":" + Event.SCHEMA + ",\"type\":\"run-finished\",\"time\":\"2026-12-01T23:23:39Z\",\"created\":\"many\"}");
        for (String line : bad) {
            StateCorruptedException e = assertThrows(StateCorruptedException.class,
                    () -> EventCodec.decode(9, line.getBytes(StandardCharsets.UTF_8), "fuzz.log"), line);
            assertTrue(e.getMessage().contains("fuzz.log at position 9"), e.getMessage());
        }
    }
}
