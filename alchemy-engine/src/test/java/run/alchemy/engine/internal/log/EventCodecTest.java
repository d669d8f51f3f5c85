package run.alchemy.engine.internal.log;

import org.junit.jupiter.api.Test;
import run.alchemy.api.Phase;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
     * Logs written before declared existed named both creating: such a line still reads, as Creating.
     */
    @Test
    void theTwoEventsBeforeACreateHaveDistinctNamesAndOldLogsStillRead() {
        Instant t = Instant.parse("2026-11-25T10:12:56Z");
        String declared = new String(EventCodec.encode(EventCodec.resource(EventCodec.Type.DECLARED, 1, t, "r1",
                List.of("app", "dev"), "a", "k::K", "{}")), StandardCharsets.UTF_8);
        String creating = new String(EventCodec.encode(EventCodec.resource(EventCodec.Type.CREATING, 2, t, "r1",
                List.of("app", "dev"), "a", "k::K", "{}")), StandardCharsets.UTF_8);
        assertTrue(declared.contains("\"type\":\"declared\""), declared);
        assertTrue(creating.contains("\"type\":\"creating\""), creating);
        assertEquals(run.alchemy.api.event.Declared.class, EventCodec.decode(1, declared.getBytes(StandardCharsets.UTF_8), "log")
                .getClass());

        // written by an earlier alchemy-java: the initial record, named creating
        String old = "{\"v\":1,\"type\":\"creating\",\"time\":\"2026-11-20T08:00:00Z\",\"run\":\"r0\","
                + "\"chain\":[\"app\",\"dev\"],\"id\":\"a\",\"kind\":\"k::K\",\"snapshot\":"
                + "\"{\\\"kind\\\":\\\"k::K\\\",\\\"status\\\":\\\"creating\\\"}\"}";
        Event e = EventCodec.decode(7, old.getBytes(StandardCharsets.UTF_8), "old log");
        run.alchemy.api.event.Creating c = assertInstanceOf(run.alchemy.api.event.Creating.class, e);
        assertEquals(7, c.position());
        assertEquals(List.of("app", "dev"), c.chain());
        assertEquals("{\"kind\":\"k::K\",\"status\":\"creating\"}", c.snapshot());
    }

    @Test
    void everyEventRoundTripsThroughItsLine() {
        Instant t = Instant.parse("2026-11-25T10:12:56.573010166Z");
        List<Event> events = new ArrayList<>();
        for (EventCodec.Type type : EventCodec.Type.values()) {
            events.add(EventCodec.resource(type, 7, t, "run-1", List.of("app", "dev", "a/b"), "id\u2028x",
                    "test::Thing", type == EventCodec.Type.DELETED ? null : "{\n  \"kind\": \"t\",\n  \"s\": \"é\\n\"\n}"));
        }
        events.add(new RunStarted(7, t, "run-1", "me@host", 42, Phase.DESTROY, "java Main"));
        events.add(new RunFinished(7, t, "run-1", "failed", 1234, 1, 2, 3, 4, 5, 6));
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
    }
}
