package run.alchemy.engine.internal;

import run.alchemy.engine.internal.state.StateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.Context;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.StageLockLostException;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run whose stage lock was taken over stops: no provider call and no append after it learns
 * so, though the run that took over has appended nothing yet (so the log's head alone would not
 * have fenced it). The renewal is called by the test, not waited for.
 */
class LostLeaseTest {
    private static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    record Props(String name) {
    }

    /** Creates by remembering the name. */
    static final class Names implements ResourceProvider<Props, Props> {
        final Set<String> created = ConcurrentHashMap.newKeySet();

        public String kind() {
            return "test::Name";
        }

        public Class<Props> propsType() {
            return Props.class;
        }

        public Class<Props> outputType() {
            return Props.class;
        }

        public Props create(Context<Props, Props> ctx, Props props) {
            created.add(props.name());
            return props;
        }

        public void delete(Context<Props, Props> ctx, Props props, Props output) {
        }
    }

    @Test
    void aRunTakenOverStopsCallingProvidersAndAppending() {
        FileSystemStateStore store = new FileSystemStateStore(dir.resolve(".alchemy"));
        StageLog log = new StageLog(store.logStore("app", "dev").orElseThrow(), java.time.InstantSource.system());
        LockHolder me = holder("run-1");
        StageLease lease = StageLease.acquire(log, me, LEASE, Duration.ZERO, "app/dev");
        StateRepository repo = StateRepository.eventSourced(store, new StateSerde(), log, new StateRepository.RunInfo(
                "run-1", "test@host", ProcessHandle.current().pid(), Phase.UP, "test", Instant.now()));
        repo.guardAppends(lease);
        Names names = new Names();
        Engine engine = new Engine("app", "dev", Phase.UP, false, 2, new StateSerde(), repo,
                new ProviderRegistry(List.of(names)), o -> { }, null, false, lease, false);
        engine.open();
        engine.stage().apply("a", names, new Props("a"), ApplyOptions.DEFAULT);
        repo.flush();

        // Another run takes the stage over (as after this one stalled past its lease) and has not appended.
        StageLog theirs = new StageLog(new FileSystemStateStore(dir.resolve(".alchemy")).logStore("app", "dev").orElseThrow(), java.time.InstantSource.system());
        theirs.unlock(me.lockId());
        LockHolder thief = holder("run-2");
        assertTrue(theirs.tryLock(thief, LEASE).isEmpty());
        long headWhenTaken = theirs.head();

        lease.renewQuietly();
        StageLockLostException lost = assertThrows(StageLockLostException.class,
                () -> engine.stage().apply("b", names, new Props("b"), ApplyOptions.DEFAULT));
        assertTrue(lost.getMessage().contains(me.lockId()), lost.getMessage());
        assertEquals(Set.of("a"), names.created, "a provider was called after the lock was lost");
        assertThrows(StageLockLostException.class, engine::close);

        List<String> appendedAfter = new ArrayList<>();
        theirs.read(headWhenTaken, (position, bytes) -> {
            appendedAfter.add(EventCodec.decode(position, bytes, theirs.describe()) instanceof ResourceEvent r
                    ? r.id() : "event at " + position);
            return true;
        });
        assertEquals(List.of(), appendedAfter, "the run appended after its lock was taken over");
        assertEquals(thief.lockId(), theirs.holder().orElseThrow().lockId(), "the run released the new holder's lock");
        theirs.close();
    }

    @Test
    void aLeaseThatRanOutIsRenewedByTheNextAppendWhileNoOtherRunTookIt() {
        Duration shortLease = Duration.ofMillis(50);
        FileSystemStateStore store = new FileSystemStateStore(dir.resolve(".alchemy"));
        StageLog log = new StageLog(store.logStore("app", "dev").orElseThrow(), java.time.InstantSource.system());
        StageLease lease = StageLease.acquire(log, holder("run-1"), shortLease, Duration.ZERO, "app/dev");
        StateRepository repo = repository(store, log, lease);
        runOut(shortLease);
        repo.write(List.of("app", "dev"), "a", record("a"), new run.alchemy.engine.internal.secrets.SecretCodec(null),
                run.alchemy.api.event.ResourceEvent.Type.CREATED);
        repo.flush(); // the background renewal never ran (there is none here): the append renews first
        assertTrue(log.head() > 0, "nothing was appended");
        log.close();
    }

    @Test
    void aLeaseThatRanOutAndWasTakenOverStopsTheNextAppend() {
        Duration shortLease = Duration.ofMillis(50);
        FileSystemStateStore store = new FileSystemStateStore(dir.resolve(".alchemy"));
        StageLog log = new StageLog(store.logStore("app", "dev").orElseThrow(), java.time.InstantSource.system());
        StageLease lease = StageLease.acquire(log, holder("run-1"), shortLease, Duration.ZERO, "app/dev");
        StateRepository repo = repository(store, log, lease);
        runOut(shortLease);
        assertTrue(log.tryLock(holder("run-2"), LEASE).isEmpty(), "the expired lease was not taken over");
        assertThrows(StageLockLostException.class, () -> repo.write(List.of("app", "dev"), "a", record("a"),
                new run.alchemy.engine.internal.secrets.SecretCodec(null), run.alchemy.api.event.ResourceEvent.Type.CREATED));
        assertThrows(StageLockLostException.class, repo::flush);
        assertEquals(0, log.head(), "the run appended after its expired lease was taken over");
        log.close();
    }

    private static StateRepository repository(FileSystemStateStore store, StageLog log, StageLease lease) {
        StateRepository repo = StateRepository.eventSourced(store, new StateSerde(), log, new StateRepository.RunInfo(
                "run-1", "test@host", ProcessHandle.current().pid(), Phase.UP, "test", Instant.now()));
        repo.open(List.of("app", "dev"));
        repo.guardAppends(lease);
        return repo;
    }

    /** Waits until a lease taken just before has run out by the clock (the condition is checked, not guessed). */
    private static void runOut(Duration lease) {
        Instant past = Instant.now().plus(lease).plusMillis(1);
        while (!Instant.now().isAfter(past)) {
            Thread.onSpinWait();
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode record(String id) {
        return Records.initial("test::Name", id, StateRepository.fqn(List.of("app", "dev"), id), 0,
                run.alchemy.api.DestroyStrategy.SEQUENTIAL);
    }

    private static LockHolder holder(String runId) {
        Instant now = Instant.now();
        return new LockHolder(runId + "-lock", runId, "test", LockHolder.localHost(), ProcessHandle.current().pid(),
                now, now.plus(LEASE));
    }
}
