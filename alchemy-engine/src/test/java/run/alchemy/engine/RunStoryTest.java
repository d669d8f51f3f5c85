package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the log tells of a run beyond its counts: its message, and why it failed. */
class RunStoryTest {
    @TempDir
    Path dir;

    private final Thing thing = new Thing();

    private Stage stage() {
        return Alchemy.app("shop").stage("dev").environment(Map.of()).stateStore("fs:" + dir.resolve(".alchemy"))
                .provider(thing);
    }

    private <T extends Event> List<T> events(Class<T> type) {
        try (History h = stage().history()) {
            return h.events().stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    @Test
    void aRunRecordsItsMessageAndASucceededOneNoFailure() {
        stage().message("roll out v2").run(app -> app.apply("a", thing, new Thing.Props("A")));
        RunStarted started = events(RunStarted.class).get(0);
        assertEquals("roll out v2", started.message());
        RunFinished finished = events(RunFinished.class).get(0);
        assertTrue(finished.succeeded());
        assertNull(finished.failure());

        stage().run(app -> app.apply("a", thing, new Thing.Props("B")));
        assertNull(events(RunStarted.class).get(1).message(), "a message is of the stage it was given to");
    }

    @Test
    void aFailedRunRecordsWhy() {
        thing.failOn.add("b");
        assertThrows(RuntimeException.class, () -> stage().run(app -> {
            app.apply("a", thing, new Thing.Props("A"));
            app.apply("b", thing, new Thing.Props("B"));
        }));
        RunFinished providerFailed = events(RunFinished.class).get(0);
        assertEquals(false, providerFailed.succeeded());
        assertTrue(providerFailed.failure().contains("simulated failure of b"), providerFailed.failure());

        thing.failOn.clear();
        assertThrows(IllegalStateException.class, () -> stage().run(app -> {
            app.apply("c", thing, new Thing.Props("C"));
            throw new IllegalStateException("the program gave up");
        }));
        assertEquals("the program gave up", events(RunFinished.class).get(1).failure());

        assertThrows(IllegalStateException.class, () -> stage().run(app -> {
            app.apply("d", thing, new Thing.Props("D"));
            throw new IllegalStateException("x".repeat(600));
        }));
        String longOne = events(RunFinished.class).get(2).failure();
        assertEquals(500, longOne.length(), "a long reason is cut");
        assertTrue(longOne.endsWith("x…"), longOne);
    }
}
