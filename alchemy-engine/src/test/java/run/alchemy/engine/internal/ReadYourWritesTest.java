package run.alchemy.engine.internal;

import run.alchemy.engine.internal.state.StateRepository;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.DestroyStrategy;
import run.alchemy.api.Phase;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run reads back what it wrote, whatever the store or the scope's read-ahead holds: the
 * record's queued write, its projected write, and its deletion answer every later read and
 * listing. Deterministic (one thread): the write is queued before the scope's first read, so the
 * read-ahead is filled from the store while it still holds the older bytes, and the flush then
 * projects the write. (Before, reads fell back on those older bytes once the flush dropped the
 * queued write, and the run adopted them as changed outside the log: the CI failure of
 * StateRepositoryRaceTest, without threads.)
 */
class ReadYourWritesTest {
    private static final List<String> STAGE = List.of("ryw", "dev");
    private static final SecretCodec CODEC = new SecretCodec(null);

    @TempDir
    Path dir;

    private final List<StageLog> logs = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        logs.forEach(StageLog::close);
    }

    @Test
    void anUpdateQueuedBeforeTheScopesFirstReadIsReadBackAfterItsFlush() {
        StateRepository first = run("run-1");
        write(first, "k", 1);
        write(first, "other", 1);
        first.flush();

        StateRepository second = run("run-2");
        write(second, "k", 2);
        assertEquals(1, generation(second, "other")); // the scope's first read: read ahead from the store
        second.flush();
        assertEquals(2, generation(second, "k"));
        second.flush();
        assertNoAdoptions();
    }

    @Test
    void aDeletionQueuedBeforeTheScopesFirstReadStaysDeletedInReadsAndListings() {
        StateRepository first = run("run-1");
        write(first, "k", 1);
        write(first, "other", 1);
        first.flush();

        StateRepository second = run("run-2");
        second.delete(STAGE, "k", "ryw::Thing");
        assertEquals(1, generation(second, "other"));
        second.flush();
        assertTrue(second.read(STAGE, "k", CODEC).isEmpty(), "the deleted record came back");
        assertEquals(List.of("other"), second.list(STAGE));
        second.flush();
        assertNoAdoptions();
    }

    @Test
    void writesStayVisibleWhileALargeScopeIsReadInTheBackground() {
        StateRepository first = run("run-1");
        List<String> ids = IntStream.range(0, 300).mapToObj(i -> String.format("r%03d", i)).toList();
        ids.forEach(id -> write(first, id, 1));
        first.flush();

        StateRepository second = run("run-2");
        write(second, "r299", 2); // last in listing order: read in the background well after the flush
        second.delete(STAGE, "r298", "ryw::Thing");
        assertEquals(1, generation(second, "r000"));
        second.flush();
        assertEquals(2, generation(second, "r299"));
        assertTrue(second.read(STAGE, "r298", CODEC).isEmpty(), "the deleted record came back");
        List<String> listed = second.list(STAGE);
        assertFalse(listed.contains("r298"));
        assertEquals(299, listed.size());
        second.flush();
        assertNoAdoptions();
    }

    @Test
    void withoutALogTheRunsWritesStillAnswerBeforeTheScopesReadAhead() {
        FileSystemStateStore store = new FileSystemStateStore(dir.resolve(".alchemy"));
        StateRepository first = StateRepository.snapshotsOnly(store, new StateSerde());
        List<String> ids = IntStream.range(0, 300).mapToObj(i -> String.format("r%03d", i)).toList();
        ids.forEach(id -> write(first, id, 1));

        StateRepository second = StateRepository.snapshotsOnly(store, new StateSerde());
        assertEquals(1, generation(second, "r000")); // starts reading the scope ahead, in the background
        write(second, "r299", 2);
        second.delete(STAGE, "r298", "ryw::Thing");
        write(second, "new", 1);
        assertEquals(2, generation(second, "r299"));
        assertTrue(second.read(STAGE, "r298", CODEC).isEmpty(), "the deleted record came back");
        List<String> listed = second.list(STAGE);
        assertFalse(listed.contains("r298"));
        assertTrue(listed.contains("new"));
        assertEquals(300, listed.size());
        assertEquals(2, generation(StateRepository.snapshotsOnly(store, new StateSerde()), "r299"), "and it is stored");
    }

    private StateRepository run(String runId) {
        FileSystemStateStore store = new FileSystemStateStore(dir.resolve(".alchemy"));
        StageLog log = new StageLog(store.logStore("ryw", "dev").orElseThrow(), java.time.InstantSource.system());
        logs.add(log);
        StateRepository repo = StateRepository.eventSourced(store, new StateSerde(), log, new StateRepository.RunInfo(
                runId, "test@host", ProcessHandle.current().pid(), Phase.UP, "ryw", Instant.now()));
        repo.open(STAGE);
        return repo;
    }

    private static void write(StateRepository repo, String id, int generation) {
        ObjectNode r = Records.initial("ryw::Thing", id, StateRepository.fqn(STAGE, id), 0, DestroyStrategy.SEQUENTIAL);
        r.withObjectProperty("props").put("generation", generation);
        repo.write(STAGE, id, r, CODEC, generation == 1 ? Type.CREATED : Type.UPDATED);
    }

    private static int generation(StateRepository repo, String id) {
        Optional<ObjectNode> r = repo.read(STAGE, id, CODEC);
        assertTrue(r.isPresent(), id + " is missing");
        return r.get().path("props").path("generation").asInt();
    }

    private void assertNoAdoptions() {
        StageLog log = logs.get(0);
        List<Event> adopted = new ArrayList<>();
        log.read(0, (position, bytes) -> {
            Event e = EventCodec.decode(position, bytes, log.describe());
            if (e instanceof ResourceEvent r && r.type() == Type.EXTERNAL_CHANGE) {
                adopted.add(e);
            }
            return true;
        });
        assertTrue(adopted.isEmpty(), () -> "the run's own writes were adopted as changed outside the log: " + adopted);
    }
}
