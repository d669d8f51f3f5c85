package run.alchemy.store.durable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the log contract does not reach on our worker, in real workerd: values over the platform's
 * 2 MB per stored value, and the per-app registry that answers {@code eventLogStages} (a Durable
 * Object cannot be listed).
 */
class DoLogStoreTest {
    @RegisterExtension
    static final LocalWorker worker = LocalWorker.ours();

    private final List<StateStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(StateStore::close);
    }

    private DurableObjectStateStore store(String prefix) {
        DurableObjectStateStore s = worker.store(prefix).build();
        opened.add(s);
        return s;
    }

    @Test
    void recordsAndControlObjectsOverTwoMegabytesAreStoredInPartsAndReadWhole() {
        LogStore log = store("big").logStore("app", "dev").orElseThrow();
        byte[] big = new byte[5 * 1024 * 1024 + 3];
        Arrays.fill(big, (byte) 'x');
        big[0] = '{';
        big[big.length - 1] = '}';
        assertEquals(2, log.append(0, List.of(big, "{}".getBytes(StandardCharsets.UTF_8))));
        List<byte[]> back = new ArrayList<>();
        log.read(0, (pos, rec) -> back.add(rec));
        assertEquals(2, back.size());
        assertArrayEquals(big, back.get(0));
        log.putControl("index", big);
        assertArrayEquals(big, store("big").logStore("app", "dev").orElseThrow().control("index").orElseThrow().bytes());
    }

    @Test
    void eventLogStagesNamesExactlyTheStagesWithALogUnderThisPrefix() {
        DurableObjectStateStore s = store("stages");
        assertEquals(Set.of(), s.eventLogStages("app"));
        s.put(List.of("app", "snapshots-only"), "r", "{}".getBytes(StandardCharsets.UTF_8));
        s.logStore("app", "opened-only").orElseThrow().head();
        s.logStore("app", "dev").orElseThrow().append(0, List.of("{}".getBytes(StandardCharsets.UTF_8)));
        s.logStore("app", "prod").orElseThrow().createControl("lock/1", new byte[] {1});
        s.logStore("other", "qa").orElseThrow().putControl("projected", new byte[] {1});
        assertEquals(Set.of("dev", "prod"), store("stages").eventLogStages("app"));
        assertEquals(Set.of("qa"), s.eventLogStages("other"));
        assertFalse(s.hasLog("app", "snapshots-only"));
        assertTrue(s.hasLog("app", "prod"));

        // Another prefix on the same worker has logs of its own, as it has snapshots of its own.
        DurableObjectStateStore elsewhere = store("stages-elsewhere");
        assertEquals(Set.of(), elsewhere.eventLogStages("app"));
        assertFalse(elsewhere.hasLog("app", "dev"));
        assertEquals(0, elsewhere.logStore("app", "dev").orElseThrow().head());
    }
}
