package run.alchemy.engine.internal.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protocol the engine builds on a store's primitives, over the real file-system store: the
 * lease chain (take, refuse, renew, release, takeover by expiry, by a gone process, of a damaged
 * lease, races decided by create-if-absent, attempts running out), the projection mark, the index
 * and compaction. Time is a clock the test moves: nothing sleeps to expire a lease.
 */
class StageLogTest {
    private static final Duration LEASE = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<StageLog> opened = new ArrayList<>();
    private StageLog log;

    /** A clock that moves only when told. */
    static final class MovableClock implements InstantSource {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private Path root() {
        return dir.resolve(".alchemy");
    }

    private LogStore logStore() {
        return new FileSystemStateStore(root()).logStore("app", "dev").orElseThrow();
    }

    /** Another instance on the same log (as a second process), sharing the clock. */
    private StageLog another(LogStore store) {
        StageLog l = new StageLog(store, clock);
        opened.add(l);
        return l;
    }

    @BeforeEach
    void open() {
        log = another(logStore());
    }

    @AfterEach
    void close() {
        opened.forEach(StageLog::close);
    }

    private LockHolder holder(String runId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new LockHolder(UUID.randomUUID().toString(), runId, "tester", LockHolder.localHost(),
                ProcessHandle.current().pid(), now, now);
    }

    // ------------------------------------------------------------------ the lease

    @Test
    void aFreeLockIsTakenAndReportedAndRefusedToOthersWithTheHolder() {
        LockHolder me = holder("run-1");
        assertEquals(Optional.empty(), log.holder());
        assertEquals(Optional.empty(), log.tryLock(me, LEASE));
        StageLog other = another(logStore());
        LockHolder seen = other.holder().orElseThrow();
        assertEquals(me.renewedUntil(clock.instant().plus(LEASE)), seen);
        assertEquals(me.lockId(), other.tryLock(holder("run-2"), LEASE).orElseThrow().lockId());
        assertEquals(Optional.empty(), log.tryLock(me, LEASE), "reentrant for the same lock id");
    }

    @Test
    void renewExtendsTheLeaseByTheClockAndANonHolderCannotRenew() {
        LockHolder me = holder("run-1");
        log.tryLock(me, LEASE);
        clock.advance(Duration.ofSeconds(50));
        log.renew(me, LEASE);
        assertEquals(clock.instant().plus(LEASE), log.holder().orElseThrow().expires());
        clock.advance(Duration.ofSeconds(50)); // past the first expiry, not the renewed one
        assertTrue(another(logStore()).tryLock(holder("run-2"), LEASE).isPresent());
        assertThrows(LogConflictException.class, () -> log.renew(holder("run-3"), LEASE));
    }

    @Test
    void unlockNeedsTheLockIdAndARenewalAfterTheReleaseFails() {
        LockHolder me = holder("run-1");
        log.tryLock(me, LEASE);
        assertFalse(log.unlock("not-the-id"));
        assertTrue(another(logStore()).unlock(me.lockId()));
        assertEquals(Optional.empty(), log.holder());
        assertFalse(log.unlock(me.lockId()));
        LogConflictException e = assertThrows(LogConflictException.class, () -> log.renew(me, LEASE));
        assertTrue(e.getMessage().contains(me.lockId()), e.getMessage());
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsHolderCanNoLongerRenew() {
        LockHolder stalled = holder("run-stalled");
        log.tryLock(stalled, LEASE);
        StageLog other = another(logStore());
        LockHolder taker = holder("run-taker");
        clock.advance(LEASE);
        assertEquals(stalled.lockId(), other.tryLock(taker, LEASE).orElseThrow().lockId(), "not yet: at expiry");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), other.tryLock(taker, LEASE));
        assertEquals(taker.lockId(), log.holder().orElseThrow().lockId());
        assertThrows(LogConflictException.class, () -> log.renew(stalled, LEASE));
        assertFalse(log.unlock(stalled.lockId()));
    }

    @Test
    void theLeaseOfADeadProcessOnThisHostIsTakenOverAndOneElsewhereIsNot() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        long deadPid = gone.pid();
        assertFalse(ProcessHandle.of(deadPid).map(ProcessHandle::isAlive).orElse(false), "pid " + deadPid + " reused");
        Instant now = clock.instant();
        LockHolder elsewhere = new LockHolder("remote", "run-remote", "tester", "not-" + LockHolder.localHost()
                + ".example", deadPid, now, now);
        log.tryLock(elsewhere, Duration.ofHours(1));
        assertEquals("remote", another(logStore()).tryLock(holder("run-local"), LEASE).orElseThrow().lockId(),
                "a pid on another host says nothing");
        assertTrue(log.unlock("remote"));

        LockHolder dead = new LockHolder("dead", "run-dead", "tester", LockHolder.localHost(), deadPid, now, now);
        log.tryLock(dead, Duration.ofHours(1));
        LockHolder taker = holder("run-taker");
        assertEquals(Optional.empty(), another(logStore()).tryLock(taker, LEASE));
        assertEquals(taker.lockId(), log.holder().orElseThrow().lockId());
    }

    @Test
    void aDamagedLeaseIsReportedWithItsBytesTakenOverAndClearedByUnlock() {
        LogStore raw = logStore();
        log.tryLock(holder("run-1"), LEASE);
        String next = LeaseChain.name(2);
        assertTrue(raw.createControl(next, "lockId=x\npid=not a number\n".getBytes(StandardCharsets.UTF_8)));

        LockHolder damaged = another(logStore()).holder().orElseThrow();
        assertTrue(damaged.isDamaged());
        assertEquals(next, damaged.lockId(), "its lock id names the control object");
        assertTrue(damaged.describe().contains(next) && damaged.describe().contains("pid=not a number")
                && damaged.describe().contains("\\u000a"), damaged.describe());
        assertTrue(damaged.expiredAt(clock.instant()));

        assertTrue(log.unlock(next), "state unlock clears it");
        assertEquals(Optional.empty(), log.holder());

        assertTrue(raw.createControl(LeaseChain.name(4), new byte[] {0, (byte) 0xff}));
        LockHolder taker = holder("run-2");
        assertEquals(Optional.empty(), log.tryLock(taker, LEASE), "a damaged lease protects no one");
        assertEquals(taker.lockId(), another(logStore()).holder().orElseThrow().lockId());
    }

    @Test
    void aReleaseTidiesTheChain() {
        for (int i = 0; i < 30; i++) {
            LockHolder me = holder("run-" + i);
            log.tryLock(me, LEASE);
            log.renew(me, LEASE);
            log.unlock(me.lockId());
        }
        List<String> chain = logStore().controls(LeaseChain.PREFIX);
        assertTrue(chain.size() <= 11, chain.toString());
        assertEquals(Optional.empty(), log.holder());
    }

    /** A store in which, just before each lease generation is created, {@code rival} creates it first. */
    private static final class Rivalled extends ForwardingLogStore {
        private final Runnable rival;

        Rivalled(LogStore inner, Runnable rival) {
            super(inner);
            this.rival = rival;
        }

        @Override
        public boolean createControl(String name, byte[] bytes) {
            if (name.startsWith(LeaseChain.PREFIX)) {
                rival.run();
            }
            return super.createControl(name, bytes);
        }
    }

    @Test
    void ofTwoTakersOfAnExpiredLeaseExactlyOneWins() {
        log.tryLock(holder("run-stalled"), LEASE);
        clock.advance(LEASE.plusSeconds(1));
        LockHolder b = holder("run-b");
        StageLog takerB = another(logStore());
        boolean[] once = {false};
        StageLog takerA = another(new Rivalled(logStore(), () -> {
            if (!once[0]) {
                once[0] = true;
                assertEquals(Optional.empty(), takerB.tryLock(b, LEASE)); // B read the same generation and won
            }
        }));
        Optional<LockHolder> refused = takerA.tryLock(holder("run-a"), LEASE);
        assertEquals(b.lockId(), refused.orElseThrow().lockId(), "A lost the race and sees B");
        assertEquals(b.lockId(), log.holder().orElseThrow().lockId());
    }

    /**
     * Found by the soak (benchmarks/soak, on the Durable Object store): a taker reads the chain,
     * stalls, and meanwhile runs take and release the lock until a release tidies the chain,
     * deleting the generation the taker is about to create; create-if-absent then succeeds, and
     * without a check the taker would hold a lock another run holds too.
     */
    @Test
    void aTakerThatStalledWhileTheChainWasTidiedDoesNotHoldTheGenerationItRecreated() {
        StageLog others = another(logStore());
        LockHolder current = holder("run-current");
        boolean[] once = {false};
        StageLog stalled = another(new Rivalled(logStore(), () -> {
            if (!once[0]) {
                once[0] = true;
                for (int i = 0; i < 12; i++) {
                    LockHolder r = holder("run-" + i);
                    assertEquals(Optional.empty(), others.tryLock(r, LEASE));
                    assertTrue(others.unlock(r.lockId()));
                }
                assertEquals(Optional.empty(), others.tryLock(current, LEASE));
                assertFalse(logStore().controls(LeaseChain.PREFIX).contains(LeaseChain.name(1)),
                        "the release tidied the first generation away");
            }
        }));
        Optional<LockHolder> seen = stalled.tryLock(holder("run-stalled"), LEASE);
        assertEquals(current.lockId(), seen.map(LockHolder::lockId).orElse("none: the stalled taker says it holds the lock"),
                "the stalled taker is refused and sees the run that holds the lock");
        assertEquals(current.lockId(), log.holder().orElseThrow().lockId());
        assertEquals(Optional.empty(), others.tryLock(current, LEASE), "and that run still holds it");
    }

    /** The same for a renewal: a holder that stalled past its lease and was taken over does not renew a recreated generation. */
    @Test
    void aRenewalThatStalledWhileTheChainWasTidiedFails() {
        LockHolder me = holder("run-1");
        StageLog others = another(logStore());
        boolean[] armed = {false};
        StageLog renewing = another(new Rivalled(logStore(), () -> {
            if (armed[0]) {
                armed[0] = false;
                clock.advance(LEASE.plusSeconds(1));
                for (int i = 0; i < 12; i++) {
                    LockHolder r = holder("run-" + i);
                    assertEquals(Optional.empty(), others.tryLock(r, LEASE));
                    assertTrue(others.unlock(r.lockId()));
                }
            }
        }));
        assertEquals(Optional.empty(), renewing.tryLock(me, LEASE));
        armed[0] = true;
        assertThrows(LogConflictException.class, () -> renewing.renew(me, LEASE));
        assertEquals(Optional.empty(), log.holder(), "the lock is free, as the last release left it");
    }

    @Test
    void aRenewalRacingATakeoverFailsInsteadOfOverwritingIt() {
        LockHolder me = holder("run-1");
        log.tryLock(me, LEASE);
        clock.advance(LEASE.plusSeconds(1));
        LockHolder taker = holder("run-taker");
        StageLog other = another(logStore());
        boolean[] once = {false};
        StageLog renewing = another(new Rivalled(logStore(), () -> {
            if (!once[0]) {
                once[0] = true;
                other.tryLock(taker, LEASE);
            }
        }));
        assertThrows(LogConflictException.class, () -> renewing.renew(me, LEASE));
        assertEquals(taker.lockId(), log.holder().orElseThrow().lockId());
    }

    @Test
    void tryLockThatRunsOutOfAttemptsReturnsTheHolderNeverSaysYouHoldIt() {
        LockHolder rival = holder("run-rival").renewedUntil(clock.instant().minusSeconds(1)); // always expired
        LogStore raw = logStore();
        StageLog rivalLog = another(raw);
        StageLog contended = another(new Rivalled(logStore(), () -> rivalLog.tryLock(rival, Duration.ofMillis(-1))));
        LockHolder me = holder("run-me");
        Optional<LockHolder> result = contended.tryLock(me, LEASE);
        assertEquals(rival.lockId(), result.orElseThrow().lockId());
        assertEquals(rival.lockId(), log.holder().orElseThrow().lockId());
        assertThrows(LogConflictException.class, () -> contended.renew(me, LEASE), "and it is not held");
    }

    @Test
    void tryLockThatRunsOutOfAttemptsOnAFreeLockConflicts() {
        StageLog rivalLog = another(logStore());
        StageLog contended = another(new Rivalled(logStore(), () -> {
            LockHolder r = holder("run-rival");
            rivalLog.tryLock(r, LEASE);
            rivalLog.unlock(r.lockId());
        }));
        assertThrows(LogConflictException.class, () -> contended.tryLock(holder("run-me"), LEASE));
        assertEquals(Optional.empty(), log.holder());
    }

    // ------------------------------------------------------------------ mark, index, compaction

    @Test
    void theProjectionMarkIsZeroUntilMarkedSharedAndZeroWhenDamaged() throws Exception {
        assertEquals(0, log.projected());
        log.markProjected(7);
        assertEquals(7, another(logStore()).projected());
        Path mark = root().resolve(".alchemy-java/app/dev/projected");
        Files.writeString(mark, "5\n17\n"); // as older S3 logs wrote it (with a listing hint)
        assertEquals(5, log.projected());
        Files.writeString(mark, "garbage");
        assertEquals(0, log.projected(), "a damaged mark costs a full re-projection, nothing more");
    }

    @Test
    void compactionAppendsTheCheckpointDropsWhatIsBelowAndMovesACurrentMark() {
        log.append(0, List.of(bytes("{\"n\":1}"), bytes("{\"n\":2}")));
        log.append(2, List.of(bytes("{\"n\":3}")));
        log.markProjected(3);
        assertEquals(4, log.compact(3, bytes("{\"checkpoint\":3}")));
        assertEquals(4, log.head());
        assertEquals(4, log.projected());
        List<Long> positions = new ArrayList<>();
        another(logStore()).read(0, (pos, rec) -> positions.add(pos));
        assertEquals(List.of(4L), positions);
        assertThrows(LogConflictException.class, () -> log.compact(3, bytes("{}")), "fenced on the head");

        log.append(4, List.of(bytes("{\"n\":5}")));
        assertEquals(6, log.compact(5, bytes("{\"checkpoint\":5}")));
        assertEquals(4, log.projected(), "a mark behind stays behind: the records must still be projected");
    }

    @Test
    void aStageWrittenBeforeTheLeaseChainStillOpens() throws Exception {
        Path stage = root().resolve(".alchemy-java/app/dev");
        log.append(0, List.of(bytes("{\"n\":1}"), bytes("{\"n\":2}"), bytes("{\"n\":3}")));
        Files.writeString(stage.resolve("projected"), "3"); // the old files, as the old code wrote them
        Files.writeString(stage.resolve("index"), "alchemy-java-index 1 3\n");
        Files.writeString(stage.resolve("lock.properties"), "lockId=old\n");
        StageLog reopened = another(logStore());
        assertEquals(3, reopened.head());
        assertEquals(3, reopened.projected());
        assertArrayEquals(bytes("alchemy-java-index 1 3\n"), reopened.open().index().orElseThrow());
        assertEquals(Optional.empty(), reopened.holder(), "the old lease file was never persistent across runs");
        assertEquals(Optional.empty(), reopened.tryLock(holder("run-new"), LEASE));
        reopened.writeIndex(bytes("alchemy-java-index 1 3\nmore\n"));
        assertArrayEquals(bytes("alchemy-java-index 1 3\nmore\n"), log.open().index().orElseThrow());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
