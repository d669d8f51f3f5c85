package run.alchemy.engine.internal.state;

import org.junit.jupiter.api.Test;
import run.alchemy.engine.internal.state.RunWrites.Effect;
import run.alchemy.engine.internal.state.RunWrites.Op;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a run's writes tell of the containers they made: a scope is removed only where one may be. */
class RunWritesTest {
    @Test
    void aRecordWrittenInAScopeMarksItAndEveryScopeAboveIt() {
        RunWrites writes = new RunWrites();
        assertFalse(writes.wroteWithin(List.of("app", "dev")));
        writes.queue(new Op(new Key(List.of("app", "dev", "parent"), "kid"), "{}".getBytes(), null, Effect.PROJECT));
        assertTrue(writes.wroteWithin(List.of("app", "dev", "parent")));
        assertTrue(writes.wroteWithin(List.of("app", "dev")));
        assertTrue(writes.wroteWithin(List.of("app")));
        assertFalse(writes.wroteWithin(List.of("app", "dev", "parent", "kid")), "the record's own scope holds nothing");
        assertFalse(writes.wroteWithin(List.of("app", "dev", "other")));
    }

    @Test
    void aDeletionCountsAndAScopeRemovalDoesNot() {
        RunWrites writes = new RunWrites();
        writes.queue(new Op(new Key(List.of("app", "dev"), ""), null, null, Effect.DELETE_SCOPE));
        assertFalse(writes.wroteWithin(List.of("app", "dev")));
        writes.queue(new Op(new Key(List.of("app", "dev", "gone"), "r"), null, null, Effect.PROJECT));
        assertTrue(writes.wroteWithin(List.of("app", "dev", "gone")), "a deletion in a scope means it may hold other records");
    }
}
