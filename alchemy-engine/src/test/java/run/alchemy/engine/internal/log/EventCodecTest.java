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
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventCodecTest {
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
