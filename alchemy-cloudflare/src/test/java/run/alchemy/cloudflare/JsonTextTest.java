package run.alchemy.cloudflare;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two spellings of a record convert into each other without touching token text. */
class JsonTextTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theEnginesTwoSpaceFormSurvivesCompactAndPretty() {
        String pretty = "{\n  \"a\": [\n    1,\n    \"x: {y}, \\\"z\\\"\"\n  ],\n  \"e\": {},\n  \"f\": []\n}";
        String compact = JsonText.compact(bytes(pretty));
        assertEquals("{\"a\":[1,\"x: {y}, \\\"z\\\"\"],\"e\":{},\"f\":[]}", compact);
        assertArrayEquals(bytes(pretty), JsonText.pretty(compact));
    }

    @Test
    void invalidTextIsNamed() {
        assertNull(JsonText.invalidBecause(bytes("{\"a\":1}")));
        assertEquals("it is empty", JsonText.invalidBecause(bytes("  ")));
        assertEquals("more follows the first JSON value", JsonText.invalidBecause(bytes("{} {}")));
        assertTrue(JsonText.invalidBecause(bytes("{\"a\":")) != null);
    }
}
