package run.alchemy.engine.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordsTest {

    private static boolean mayQueue(String json) {
        return Records.mayQueueDeletions(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRecordThatNamesNoQueueCertainlyHoldsNone() {
        assertFalse(mayQueue("{\n  \"kind\": \"test::Thing\",\n  \"data\": {},\n  \"props\": {\"name\": \"pending\"}\n}"));
        assertFalse(mayQueue("{\"data\":{\"pendingDeletion\":[]}}"), "a prefix of the key is not the key");
        assertFalse(mayQueue(""));
    }

    @Test
    void aRecordThatNamesTheQueueOrCouldSpellItMayHoldOne() {
        assertTrue(mayQueue("{\"data\":{\"pendingDeletions\":[{\"resource\":{}}]}}"));
        assertTrue(mayQueue("{\"props\":{\"note\":\"pendingDeletions\"}}"), "named anywhere: the parse decides");
        assertTrue(mayQueue("{\"data\":{\"pending\\u0044eletions\":[{}]}}"), "an escape can spell the key");
        assertTrue(mayQueue("pendingDeletions"), "at the very end of the bytes");
    }
}
