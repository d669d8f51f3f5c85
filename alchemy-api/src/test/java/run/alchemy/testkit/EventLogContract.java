package run.alchemy.testkit;

import run.alchemy.api.spi.EventLog;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogConflictException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance suite every {@link EventLog} passes, in the manner of Terraform's backend tests
 * ({@code TestBackendStateLocks(b1, b2)}): extend it, return a fresh empty log from
 * {@link #newLog()} and a second, independent instance on the same storage from {@link #reopen()},
 * and it runs unchanged.
 */
public abstract class EventLogContract {
    /** The log under test, from {@link #newLog()}; opened before each test. */
    protected EventLog log;

    private final List<EventLog> opened = new ArrayList<>();

    /** A new, empty log; called once before each test. */
    protected abstract EventLog newLog() throws Exception;

    /**
     * Another instance on the storage of the last {@link #newLog()}, sharing no memory with it (as a
     * second process would see it). May be called several times per test; each call opens anew.
     */
    protected abstract EventLog reopen() throws Exception;

    @BeforeEach
    void openLog() throws Exception {
        log = newLog();
        opened.add(log);
    }

    @AfterEach
    void closeLogs() {
        for (EventLog l : opened) {
            l.close();
        }
        opened.clear();
    }

    /** {@link #reopen()}, closed after the test. */
    protected EventLog second() throws Exception {
        EventLog other = reopen();
        assertNotNull(other, "reopen() returned null");
        opened.add(other);
        return other;
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    protected static List<byte[]> records(String... texts) {
        List<byte[]> list = new ArrayList<>();
        for (String t : texts) {
            list.add(bytes(t));
        }
        return list;
    }

    /** Every record after {@code after}, as position → UTF-8 text, checking positions strictly ascend. */
    protected static List<Map.Entry<Long, String>> readAll(EventLog l, long after) {
        List<Map.Entry<Long, String>> all = new ArrayList<>();
        l.read(after, (pos, rec) -> {
            if (!all.isEmpty() && pos <= all.get(all.size() - 1).getKey()) {
                fail("position " + pos + " read after " + all.get(all.size() - 1).getKey());
            }
            all.add(Map.entry(pos, text(rec)));
            return true;
        });
        return all;
    }

    protected static List<Long> positions(List<Map.Entry<Long, String>> entries) {
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    protected static List<String> texts(List<Map.Entry<Long, String>> entries) {
        return entries.stream().map(Map.Entry::getValue).toList();
    }

    /**
     * A holder that looks alive to any implementation: this host, this (running) process, and a
     * {@code since} truncated to millis so that it survives any reasonable serialisation.
     */
    protected static LockHolder holder(String runId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new LockHolder(UUID.randomUUID().toString(), runId, "tester", LockHolder.localHost(), ProcessHandle.current().pid(),
                now, now);
    }

    // ------------------------------------------------------------------ positions and reads

    @Test
    void anEmptyLogHasHeadZeroAndNothingToRead() throws Exception {
        assertEquals(0, log.head());
        assertEquals(List.of(), readAll(log, 0));
        assertEquals(0, second().head());
        assertNotNull(log.describe());
        assertFalse(log.describe().isBlank());
    }

    @Test
    void appendReturnsTheNewHeadAndNumbersRecordsFromOne() {
        assertEquals(1, log.append(0, records("{\"n\":1}")));
        assertEquals(3, log.append(1, records("{\"n\":2}", "{\"n\":3}")));
        assertEquals(3, log.head());
        List<Map.Entry<Long, String>> all = readAll(log, 0);
        assertEquals(List.of(1L, 2L, 3L), positions(all));
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), texts(all));
    }

    @Test
    void readStartsAfterTheGivenPositionInOrder() {
        for (int i = 1; i <= 10; i++) {
            log.append(i - 1, records("{\"n\":" + i + "}"));
        }
        List<Map.Entry<Long, String>> tail = readAll(log, 6);
        assertEquals(List.of(7L, 8L, 9L, 10L), positions(tail));
        assertEquals("{\"n\":7}", tail.get(0).getValue());
        assertEquals(List.of(), readAll(log, 10));
        assertEquals(10, readAll(log, 0).size());
    }

    @Test
    void readStopsWhenTheVisitorReturnsFalse() {
        log.append(0, records("a", "b", "c", "d", "e"));
        List<Long> seen = new ArrayList<>();
        log.read(1, (pos, rec) -> {
            seen.add(pos);
            return seen.size() < 2;
        });
        assertEquals(List.of(2L, 3L), seen);
    }

    @Test
    void appendingAtAStaleHeadConflictsAndAppendsNothing() {
        log.append(0, records("{\"n\":1}", "{\"n\":2}"));
        assertThrows(LogConflictException.class, () -> log.append(1, records("{\"stale\":true}")));
        assertThrows(LogConflictException.class, () -> log.append(0, records("{\"stale\":true}")));
        assertThrows(LogConflictException.class, () -> log.append(5, records("{\"ahead\":true}")));
        assertEquals(2, log.head());
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), texts(readAll(log, 0)));
        assertEquals(3, log.append(2, records("{\"n\":3}")));
    }

    @Test
    void aSecondInstanceSeesAppendsAndOnlyOneOfTwoWritersAtTheSameHeadWins() throws Exception {
        EventLog other = second();
        assertEquals(1, log.append(0, records("{\"by\":\"first\"}")));
        assertEquals(1, other.head());
        assertEquals(List.of("{\"by\":\"first\"}"), texts(readAll(other, 0)));

        // Both saw head 1; the first to append wins, the other conflicts and appends nothing.
        assertEquals(2, other.append(1, records("{\"by\":\"other\"}")));
        assertThrows(LogConflictException.class, () -> log.append(1, records("{\"by\":\"loser\"}")));
        assertEquals(2, log.head());
        assertEquals(List.of("{\"by\":\"first\"}", "{\"by\":\"other\"}"), texts(readAll(log, 0)));
        assertEquals(List.of("{\"by\":\"first\"}", "{\"by\":\"other\"}"), texts(readAll(second(), 0)));
    }

    @Test
    @Timeout(120)
    void racingAppendsAtTheSameHeadHaveExactlyOneWinner() throws Exception {
        EventLog other = second();
        for (int round = 0; round < 20; round++) {
            long head = log.head();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                int r = round;
                Callable<Boolean> a = () -> tryAppend(log, go, head, "{\"round\":" + r + ",\"by\":\"a\"}");
                Callable<Boolean> b = () -> tryAppend(other, go, head, "{\"round\":" + r + ",\"by\":\"b\"}");
                Future<Boolean> fa = pool.submit(a);
                Future<Boolean> fb = pool.submit(b);
                go.countDown();
                assertTrue(fa.get() ^ fb.get(), "exactly one of two appends at head " + head + " wins");
            } finally {
                pool.shutdownNow();
            }
            assertEquals(head + 1, log.head());
            assertEquals(head + 1, other.head());
        }
        assertEquals(20, readAll(log, 0).size());
    }

    private static boolean tryAppend(EventLog l, CountDownLatch go, long head, String record) throws Exception {
        go.await();
        try {
            assertEquals(head + 1, l.append(head, records(record)));
            return true;
        } catch (LogConflictException e) {
            return false;
        }
    }

    @Test
    @Timeout(300)
    void concurrentAppendersRetryingOnConflictLoseNothingAndInterleaveNothing() throws Exception {
        EventLog other = second();
        int writers = 4;
        int batches = 25;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Integer>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                EventLog mine = w % 2 == 0 ? log : other;
                int writer = w;
                futures.add(pool.submit(() -> {
                    go.await();
                    int conflicts = 0;
                    for (int b = 0; b < batches; b++) {
                        // Batches of 1..3 records, each naming its writer, batch and index in the batch.
                        int size = 1 + (b % 3);
                        List<byte[]> batch = new ArrayList<>();
                        for (int k = 0; k < size; k++) {
                            batch.add(bytes("{\"w\":" + writer + ",\"b\":" + b + ",\"k\":" + k + ",\"of\":" + size + "}"));
                        }
                        while (true) {
                            long head = mine.head();
                            try {
                                long newHead = mine.append(head, batch);
                                assertEquals(head + size, newHead);
                                break;
                            } catch (LogConflictException e) {
                                conflicts++;
                            }
                        }
                    }
                    return conflicts;
                }));
            }
            go.countDown();
            for (Future<Integer> f : futures) {
                f.get(240, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int expected = 0;
        for (int b = 0; b < batches; b++) {
            expected += writers * (1 + (b % 3));
        }
        for (EventLog reader : List.of(log, other, second())) {
            assertEquals(expected, reader.head());
            List<Map.Entry<Long, String>> all = readAll(reader, 0);
            assertEquals(expected, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).getKey(), "positions are dense from 1");
            }
            assertEquals(all.size(), texts(all).stream().distinct().count(), "every record exactly once");
            // Each batch is contiguous and in order: k = 0..of-1 of one (w, b) at consecutive positions.
            Map<String, Long> seenBatches = new HashMap<>();
            for (int i = 0; i < all.size(); ) {
                String first = all.get(i).getValue();
                int size = Integer.parseInt(first.replaceAll(".*\"of\":(\\d+).*", "$1"));
                String batchId = first.replaceAll("\"k\":\\d+,", "");
                assertTrue(first.contains("\"k\":0,"), "a batch starts with its first record at " + (i + 1) + ": " + first);
                for (int k = 0; k < size; k++) {
                    String rec = all.get(i + k).getValue();
                    assertTrue(rec.contains("\"k\":" + k + ","), "record " + k + " of " + batchId + " at " + (i + k + 1) + ": " + rec);
                    assertEquals(batchId, rec.replaceAll("\"k\":\\d+,", ""), "batch " + batchId + " interleaved");
                }
                assertEquals(null, seenBatches.put(batchId, (long) i + 1), "batch appended twice: " + batchId);
                i += size;
            }
            assertEquals(writers * batches, seenBatches.size());
        }
    }

    // ------------------------------------------------------------------ records are opaque bytes

    @Test
    void recordsAreOpaqueBytesReturnedUnchanged() throws Exception {
        List<byte[]> recs = List.of(
                bytes("{\"text\":\"é ☃ 𝄞 日本語 \u2028 \u2029 \\u0000 \\n escaped\"}"),
                bytes("  {\"leading\": \"spaces\",\t\"tab\": 1}  "),
                bytes("12345678 99 {\"looks\":\"like a log line\"}"),
                bytes("{\"nul\":\"\u0000\",\"ctl\":\"\u0001\u001f\u007f\"}"),
                new byte[] {'{', '"', 'b', '"', ':', '"', (byte) 0xC3, (byte) 0xA9, (byte) 0xF0, (byte) 0x9F,
                        (byte) 0x98, (byte) 0x80, '"', '}'},
                bytes("{\"big\":\"" + "x€".repeat(200_000) + "\"}"));
        assertEquals(recs.size(), log.append(0, recs));
        for (EventLog reader : List.of(log, second())) {
            List<byte[]> back = new ArrayList<>();
            reader.read(0, (pos, rec) -> back.add(rec));
            assertEquals(recs.size(), back.size());
            for (int i = 0; i < recs.size(); i++) {
                assertArrayEquals(recs.get(i), back.get(i), "record " + (i + 1));
            }
        }
    }

    @Test
    void aRecordContainingANewlineIsRefusedAndNothingOfItsBatchIsAppended() {
        log.append(0, records("{\"n\":1}"));
        assertThrows(IllegalArgumentException.class, () -> log.append(1, records("{\"a\":\n1}")));
        assertThrows(IllegalArgumentException.class,
                () -> log.append(1, records("{\"fine\":true}", "{\"b\":2}\n", "{\"also\":\"fine\"}")));
        assertEquals(1, log.head());
        assertEquals(List.of("{\"n\":1}"), texts(readAll(log, 0)));
        assertEquals(2, log.append(1, records("{\"n\":2}")));
        assertEquals(List.of(1L, 2L), positions(readAll(log, 0)));
    }

    // ------------------------------------------------------------------ projection marker

    @Test
    void projectedIsZeroUntilMarkedAndSharedBetweenInstances() throws Exception {
        assertEquals(0, log.projected());
        log.append(0, records("a", "b", "c"));
        assertEquals(0, log.projected());
        log.markProjected(2);
        assertEquals(2, log.projected());
        EventLog other = second();
        assertEquals(2, other.projected());
        other.markProjected(3);
        assertEquals(3, log.projected());
        assertEquals(3, log.head(), "marking the projection appends nothing");
    }

    // ------------------------------------------------------------------ lock

    @Test
    void tryLockOnAFreeLogTakesItAndHolderReportsTheHolder() throws Exception {
        assertTrue(log.holder().isEmpty());
        LockHolder me = holder("run-1");
        Instant before = Instant.now();
        assertEquals(Optional.empty(), log.tryLock(me, minutes(5)));
        Instant after = Instant.now();
        for (EventLog l : List.of(log, second())) {
            LockHolder h = l.holder().orElseThrow(() -> new AssertionError("no holder after tryLock"));
            assertSameHolder(me, h);
            assertFalse(h.expires().isBefore(before.plus(minutes(5)).minusSeconds(1)), "expires " + h.expires());
            assertFalse(h.expires().isAfter(after.plus(minutes(5)).plusSeconds(1)), "expires " + h.expires());
            assertFalse(h.expired());
        }
    }

    private static void assertSameHolder(LockHolder expected, LockHolder actual) {
        assertEquals(expected.lockId(), actual.lockId(), "lockId");
        assertEquals(expected.runId(), actual.runId(), "runId");
        assertEquals(expected.user(), actual.user(), "user");
        assertEquals(expected.host(), actual.host(), "host");
        assertEquals(expected.pid(), actual.pid(), "pid");
        assertEquals(expected.since(), actual.since(), "since");
    }

    @Test
    void aHeldLockIsRefusedToAnotherLockIdWithTheHolder() throws Exception {
        LockHolder first = holder("run-1");
        LockHolder second = holder("run-2");
        assertTrue(log.tryLock(first, minutes(5)).isEmpty());
        EventLog other = second();
        Optional<LockHolder> refused = other.tryLock(second, minutes(5));
        assertTrue(refused.isPresent(), "a held lock must not be taken by another lock id");
        assertSameHolder(first, refused.get());
        assertFalse(refused.get().expired());
        // Same instance, other lock id: also refused.
        assertTrue(log.tryLock(second, minutes(5)).isPresent());
        assertSameHolder(first, other.holder().orElseThrow());
    }

    @Test
    void tryLockIsReentrantForTheSameLockId() throws Exception {
        LockHolder me = holder("run-1");
        assertTrue(log.tryLock(me, minutes(1)).isEmpty());
        LockHolder firstLease = log.holder().orElseThrow();
        Thread.sleep(5);
        assertEquals(Optional.empty(), log.tryLock(me, minutes(10)));
        assertEquals(Optional.empty(), second().tryLock(me, minutes(10)), "from another instance too");
        LockHolder now = log.holder().orElseThrow();
        assertSameHolder(me, now);
        assertTrue(now.expires().isAfter(firstLease.expires()), "re-locking extends the lease");
    }

    @Test
    void renewExtendsTheLease() throws Exception {
        LockHolder me = holder("run-1");
        assertTrue(log.tryLock(me, minutes(1)).isEmpty());
        Instant first = log.holder().orElseThrow().expires();
        log.renew(me, minutes(30));
        LockHolder renewed = second().holder().orElseThrow();
        assertSameHolder(me, renewed);
        assertTrue(renewed.expires().isAfter(first.plus(minutes(20))), "renewed until " + renewed.expires());
    }

    @Test
    void renewByANonHolderConflicts() throws Exception {
        LockHolder me = holder("run-1");
        LockHolder intruder = holder("run-2");
        assertThrows(LogConflictException.class, () -> log.renew(me, minutes(1)), "renewing a free lock");
        assertTrue(log.holder().isEmpty(), "a failed renew takes nothing");
        assertTrue(log.tryLock(me, minutes(1)).isEmpty());
        EventLog other = second();
        assertThrows(LogConflictException.class, () -> other.renew(intruder, minutes(60)));
        LockHolder h = log.holder().orElseThrow();
        assertSameHolder(me, h);
        assertTrue(h.expires().isBefore(Instant.now().plus(minutes(2))), "the intruder extended nothing");
    }

    @Test
    void unlockNeedsTheLockId() throws Exception {
        assertFalse(log.unlock("nobody"), "unlocking a free lock");
        LockHolder me = holder("run-1");
        assertTrue(log.tryLock(me, minutes(5)).isEmpty());
        EventLog other = second();
        assertFalse(other.unlock("wrong-" + me.lockId()));
        assertSameHolder(me, log.holder().orElseThrow());
        assertTrue(other.unlock(me.lockId()), "force-unlock from another instance naming the lock id");
        assertTrue(log.holder().isEmpty());
        assertFalse(log.unlock(me.lockId()), "already released");
        LockHolder next = holder("run-2");
        assertTrue(log.tryLock(next, minutes(5)).isEmpty(), "free again after unlock");
        assertThrows(LogConflictException.class, () -> log.renew(me, minutes(1)));
    }

    @Test
    void anExpiredLeaseIsTakenOver() throws Exception {
        LockHolder old = holder("run-old");
        assertTrue(log.tryLock(old, millis(1)).isEmpty());
        for (int polls = 0; !log.holder().orElseThrow().expired(); polls++) {
            if (polls == 2000) {
                fail("the 1 ms lease never expired"); // a hang guard, not a timing assertion
            }
            Thread.sleep(5);
        }
        assertTrue(log.holder().isPresent(), "holder() reports an expired holder too");
        EventLog other = second();
        LockHolder taker = holder("run-new");
        assertEquals(Optional.empty(), other.tryLock(taker, minutes(5)), "an expired lease is taken over");
        assertSameHolder(taker, log.holder().orElseThrow());
        assertThrows(LogConflictException.class, () -> log.renew(old, minutes(5)),
                "the old holder can no longer renew");
        assertFalse(log.unlock(old.lockId()));
        assertSameHolder(taker, log.holder().orElseThrow());
        assertTrue(log.tryLock(holder("run-third"), minutes(5)).isPresent(), "the new lease holds");
    }

    // ------------------------------------------------------------------ compaction

    @Test
    void compactReplacesThePrefixWithTheCheckpointAndKeepsPositions() throws Exception {
        for (int i = 1; i <= 6; i++) {
            log.append(i - 1, records("{\"n\":" + i + "}"));
        }
        log.compact(4, bytes("{\"checkpoint\":4,\"é\":\"☃\"}"));
        for (EventLog l : List.of(log, second())) {
            assertEquals(6, l.head(), "compaction keeps the head");
            List<Map.Entry<Long, String>> all = readAll(l, 0);
            assertEquals(List.of(4L, 5L, 6L), positions(all));
            assertEquals(List.of("{\"checkpoint\":4,\"é\":\"☃\"}", "{\"n\":5}", "{\"n\":6}"), texts(all));
            assertEquals(List.of(5L, 6L), positions(readAll(l, 4)), "read after the checkpoint skips it");
            assertEquals(List.of(6L), positions(readAll(l, 5)));
        }
        assertThrows(LogConflictException.class, () -> log.append(4, records("{\"stale\":true}")));
        assertEquals(7, log.append(6, records("{\"n\":7}")));
        EventLog other = second();
        assertEquals(8, other.append(7, records("{\"n\":8}")));
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), positions(readAll(log, 0)));
        assertEquals(List.of("{\"n\":7}", "{\"n\":8}"), texts(readAll(log, 6)));
    }

    @Test
    void compactUpToTheHeadLeavesOnlyTheCheckpointAndCompactsAgain() throws Exception {
        log.append(0, records("a", "b", "c"));
        log.compact(3, bytes("{\"cp\":3}"));
        assertEquals(3, log.head());
        assertEquals(List.of(Map.entry(3L, "{\"cp\":3}")), readAll(log, 0));
        assertEquals(List.of(), readAll(log, 3));
        assertEquals(5, log.append(3, records("d", "e")));
        second().compact(4, bytes("{\"cp\":4}"));
        assertEquals(5, log.head());
        assertEquals(List.of(Map.entry(4L, "{\"cp\":4}"), Map.entry(5L, "e")), readAll(log, 0));
        assertEquals(6, log.append(5, records("f")));
        assertEquals(List.of("{\"cp\":4}", "e", "f"), texts(readAll(second(), 0)));
    }

    @Test
    void compactBeyondTheHeadIsRefusedAndChangesNothing() {
        log.append(0, records("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> log.compact(3, bytes("{\"cp\":3}")));
        assertEquals(2, log.head());
        assertEquals(List.of(Map.entry(1L, "a"), Map.entry(2L, "b")), readAll(log, 0));
        assertEquals(3, log.append(2, records("c")));
    }

    @Test
    void aCheckpointContainingANewlineIsRefused() {
        log.append(0, records("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> log.compact(2, bytes("{\n}")));
        assertEquals(List.of(Map.entry(1L, "a"), Map.entry(2L, "b")), readAll(log, 0));
        assertEquals(2, log.head());
    }

    /** Lease lengths (what a lease is asked for, not a measured time). */
    protected static Duration minutes(long n) {
        return Duration.ofMinutes(n);
    }

    protected static Duration hours(long n) {
        return Duration.ofHours(n);
    }

    protected static Duration millis(long n) {
        return Duration.ofMillis(n);
    }
}
