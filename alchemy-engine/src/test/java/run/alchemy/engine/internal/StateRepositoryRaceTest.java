package run.alchemy.engine.internal;

import run.alchemy.engine.internal.state.StateRepository;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.DestroyStrategy;
import run.alchemy.api.Phase;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes racing group commits in one scope: every write is read back while batches of the same
 * scope are appended and projected around it, and none is adopted as changed outside the log.
 * A stress test of the paths; the orderings that once lost a write (a queued write dropped by a
 * finishing batch, or answered from an older read-ahead) are pinned one by one, without threads,
 * in ReadYourWritesTest.
 */
class StateRepositoryRaceTest {
    private static final List<String> STAGE = List.of("race", "dev");
    private static final int THREADS = 4;
    private static final int RECORDS_PER_THREAD = 40;
    private static final int GENERATIONS = 100;

    @TempDir
    Path dir;

    @Test
    void aQueuedWriteIsReadBackWhileOtherBatchesOfItsScopeFinish() throws Exception {
        FileSystemStateStore store = new FileSystemStateStore(dir.resolve(".alchemy"));
        StageLog log = new StageLog(store.logStore("race", "dev").orElseThrow(), java.time.InstantSource.system());
        StateRepository repo = StateRepository.eventSourced(store, new StateSerde(), log, new StateRepository.RunInfo(
                "run-1", "test@host", ProcessHandle.current().pid(), Phase.UP, "race", Instant.now()));
        repo.open(STAGE);
        SecretCodec codec = new SecretCodec(null);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            // Group commits as the engine's housekeeping makes them: whenever anything is queued.
            Future<?> flusher = pool.submit(() -> {
                while (writing.get()) {
                    repo.flush();
                }
                return null;
            });
            List<Future<Integer>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    int misreads = 0;
                    for (int gen = 1; gen <= GENERATIONS; gen++) {
                        for (int r = 0; r < RECORDS_PER_THREAD; r++) {
                            String id = "t" + thread + "-r" + r;
                            repo.write(STAGE, id, record(id, gen), codec, gen == 1 ? Type.CREATED : Type.UPDATED);
                            Optional<ObjectNode> back = repo.read(STAGE, id, codec);
                            if (back.isEmpty() || back.get().path("props").path("generation").asInt() != gen) {
                                misreads++;
                            }
                        }
                    }
                    return misreads;
                }));
            }
            int misreads = 0;
            for (Future<Integer> w : writers) {
                misreads += w.get();
            }
            writing.set(false);
            flusher.get();
            repo.flush();
            assertEquals(0, misreads, "reads that missed the record's own queued write");
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        List<Event> adopted = new ArrayList<>();
        log.read(0, (position, bytes) -> {
            Event e = EventCodec.decode(position, bytes, log.describe());
            if (e instanceof ResourceEvent r && r.type() == Type.EXTERNAL_CHANGE) {
                adopted.add(e);
            }
            return true;
        });
        log.close();
        assertTrue(adopted.isEmpty(), () -> adopted.size() + " of the run's own writes were adopted as changed"
                + " outside the log, first: " + adopted.get(0));
    }

    private static ObjectNode record(String id, int generation) {
        String fqn = StateRepository.fqn(STAGE, id);
        ObjectNode r = Records.initial("race::Thing", id, fqn, 0, DestroyStrategy.SEQUENTIAL);
        r.withObjectProperty("props").put("generation", generation);
        return r;
    }
}
