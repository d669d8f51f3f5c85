package run.alchemy.cloudflare;

import org.junit.jupiter.api.Test;
import run.alchemy.api.StoreException;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Results in order, threads named for their store, failures thrown as they are or named for the store. */
class ParallelTest {
    @Test
    void resultsComeInOrderFromThreadsNamedForTheStore() {
        try (Parallel p = new Parallel(3, "test-store", "Test store")) {
            List<Callable<String>> tasks = List.of(() -> "a", () -> Thread.currentThread().getName(), () -> "c");
            List<String> out = p.all(tasks);
            assertEquals("a", out.get(0));
            assertTrue(out.get(1).startsWith("test-store-"), out.get(1));
            assertEquals("c", out.get(2));
            assertEquals(List.of(Thread.currentThread().getName()), p.all(List.of(() -> Thread.currentThread().getName())),
                    "a single task runs on the caller's thread");
        }
    }

    @Test
    void aRuntimeFailureIsThrownAsItIsAndACheckedOneNamesTheStore() {
        try (Parallel p = new Parallel(2, "test-store", "Test store")) {
            IllegalStateException boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> p.all(List.of(() -> "ok", () -> {
                throw boom;
            }))));
            StoreException e = assertThrows(StoreException.class, () -> p.all(List.of(() -> {
                throw new IOException("disk");
            })));
            assertTrue(e.getMessage().startsWith("Test store request failed: ") && e.getMessage().contains("disk"),
                    e.getMessage());
        }
    }
}
