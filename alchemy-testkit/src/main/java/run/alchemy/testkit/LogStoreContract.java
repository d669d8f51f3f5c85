package run.alchemy.testkit;

import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance suite of the {@link LogStore} primitives every store that keeps logs passes, in
 * the manner of Terraform's backend tests ({@code TestBackendStateLocks(b1, b2)}): extend it,
 * return a fresh, empty store from {@link #newStore()} and a second, independent instance on the
 * same storage from {@link #reopenStore()}, and it runs unchanged. The engine builds the lease,
 * the projection mark, the index and compaction on exactly these primitives.
 */
public abstract class LogStoreContract {
    /** The app whose log the tests use. */
    protected static final String APP = "contract-app";
    /** The stage whose log the tests use; some tests use other stages of {@link #APP} beside it. */
    protected static final String STAGE = "dev";

    /** The store of this test, from {@link #newStore()}. */
    protected StateStore store;
    /** The log of {@link #APP}/{@link #STAGE} in {@link #store}; opened before each test. */
    protected LogStore log;

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** For a store's test class, which extends this one. */
    protected LogStoreContract() {
    }

    /**
     * A new, empty store that keeps logs; called once before each test.
     *
     * @return the store under test, which the suite closes after the test
     * @throws Exception if it cannot be made; the test then fails
     */
    protected abstract StateStore newStore() throws Exception;

    /**
     * Another instance on the storage of the last {@link #newStore()}, sharing no memory with it (as
     * a second process would see it). May be called several times per test; each call opens anew.
     *
     * @return another store on the same storage, which the suite closes after the test
     * @throws Exception if it cannot be opened; the test then fails
     */
    protected abstract StateStore reopenStore() throws Exception;

    @BeforeEach
    void openLog() throws Exception {
        store = newStore();
        opened.add(store);
        log = logOf(store, STAGE);
    }

    @AfterEach
    void closeLogs() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    private LogStore logOf(StateStore s, String stage) {
        Optional<LogStore> l = s.logStore(APP, stage);
        assertTrue(l.isPresent(), "the store under test must keep logs");
        opened.add(l.get());
        return l.get();
    }

    /**
     * Whether two creators of one key race atomically (a conditional write). A store without one
     * (R2 over REST alone) says false: the cases that race two writers are then skipped, not
     * passed, and its own tests show what its creates catch and what they do not.
     *
     * @return true (the default) when of two racing creators exactly one wins
     */
    protected boolean createsAreAtomic() {
        return true;
    }

    private void assumeAtomicCreates() {
        assumeTrue(createsAreAtomic(), "this store's creates are not atomic: two racing writers can both win");
    }

    /**
     * The same log through {@link #reopenStore()}, closed after the test.
     *
     * @return the log of {@link #APP}/{@link #STAGE} in a new instance on the same storage
     * @throws Exception if {@link #reopenStore()} throws
     * @throws AssertionError if it returns null or a store without logs
     */
    protected LogStore second() throws Exception {
        StateStore other = reopenStore();
        assertNotNull(other, "reopenStore() returned null");
        opened.add(other);
        return logOf(other, STAGE);
    }

    /**
     * A log record's bytes.
     *
     * @param text the record's text
     * @return its UTF-8 bytes
     */
    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A log record's text.
     *
     * @param bytes the record's bytes
     * @return them decoded as UTF-8
     */
    protected static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Records to append.
     *
     * @param texts each record's text
     * @return their UTF-8 bytes, in order, in a mutable list
     */
    protected static List<byte[]> records(String... texts) {
        List<byte[]> list = new ArrayList<>();
        for (String t : texts) {
            list.add(bytes(t));
        }
        return list;
    }

    /**
     * Every record after {@code after}, as position → UTF-8 text, checking positions strictly ascend.
     *
     * @param l     the log to read
     * @param after the position to read after (0: from the start)
     * @return the records in the order read, each as its position and text
     * @throws AssertionError if a position is not greater than the one before it
     */
    protected static List<Map.Entry<Long, String>> readAll(LogStore l, long after) {
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

    /**
     * The positions of records {@link #readAll} read.
     *
     * @param entries what {@link #readAll} returned
     * @return the positions, in order
     */
    protected static List<Long> positions(List<Map.Entry<Long, String>> entries) {
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    /**
     * The texts of records {@link #readAll} read.
     *
     * @param entries what {@link #readAll} returned
     * @return the texts, in order
     */
    protected static List<String> texts(List<Map.Entry<Long, String>> entries) {
        return entries.stream().map(Map.Entry::getValue).toList();
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
        LogStore other = second();
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
        assumeAtomicCreates();
        LogStore other = second();
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

    private static boolean tryAppend(LogStore l, CountDownLatch go, long head, String record) throws Exception {
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
        assumeAtomicCreates();
        LogStore other = second();
        int writers = 4;
        int batches = 25;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Integer>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                LogStore mine = w % 2 == 0 ? log : other;
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
        for (LogStore reader : List.of(log, other, second())) {
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
        for (LogStore reader : List.of(log, second())) {
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

    // ------------------------------------------------------------------ dropping

    @Test
    void dropBelowKeepsEveryRecordFromThePositionOnAndTheHead() throws Exception {
        log.append(0, records("a1", "a2", "a3"));
        log.append(3, records("b4", "b5"));
        log.append(5, records("checkpoint6"));
        log.append(6, records("c7"));
        log.dropBelow(6);
        for (LogStore reader : List.of(log, second())) {
            assertEquals(7, reader.head());
            List<Map.Entry<Long, String>> all = readAll(reader, 0);
            assertTrue(positions(all).containsAll(List.of(6L, 7L)), positions(all).toString());
            assertEquals(List.of("checkpoint6", "c7"), texts(readAll(reader, 5)));
            assertEquals(List.of("c7"), texts(readAll(reader, 6)));
        }
        assertEquals(8, log.append(7, records("d8")));
        assertEquals(List.of("checkpoint6", "c7", "d8"), texts(readAll(second(), 5)));
    }

    @Test
    void anAppendAtAHeadBelowADropIsRefusedEvenWhereItsRecordsAreGone() throws Exception {
        LogStore stale = second();
        log.append(0, records("a1"));
        log.append(1, records("b2"));
        log.append(2, records("checkpoint3"));
        log.dropBelow(3);
        assertThrows(LogConflictException.class, () -> stale.append(1, records("stale")));
        assertThrows(LogConflictException.class, () -> stale.append(0, records("stale")));
        assertThrows(LogConflictException.class, () -> log.append(2, records("stale")));
        assertEquals(3, second().head());
        assertEquals(List.of("checkpoint3"), texts(readAll(second(), 2)));
        assertFalse(texts(readAll(second(), 0)).contains("stale"));
    }

    @Test
    void droppingBeyondTheHeadIsRefusedAndChangesNothing() throws Exception {
        log.append(0, records("a1", "a2"));
        assertThrows(IllegalArgumentException.class, () -> log.dropBelow(3));
        assertEquals(List.of("a1", "a2"), texts(readAll(second(), 0)));
        log.dropBelow(2);
        log.dropBelow(2);
        log.dropBelow(1);
        assertEquals(List.of("a2"), texts(readAll(second(), 1)));
        assertEquals(2, second().head());
    }

    // ------------------------------------------------------------------ control objects

    @Test
    void aControlObjectIsCreatedOnceReadPutAndDeleted() throws Exception {
        assertTrue(log.control("projected").isEmpty());
        assertTrue(log.createControl("projected", bytes("1")));
        assertFalse(log.createControl("projected", bytes("2")), "create-if-absent: it exists");
        LogStore other = second();
        LogStore.Control first = other.control("projected").orElseThrow();
        assertEquals("projected", first.name());
        assertEquals("1", text(first.bytes()));
        assertFalse(other.createControl("projected", bytes("3")));

        other.putControl("projected", bytes("42"));
        LogStore.Control replaced = log.control("projected").orElseThrow();
        assertEquals("42", text(replaced.bytes()));
        if (first.version() != null) {
            assertNotEquals(first.version(), replaced.version(), "a write changes the version token");
        }
        log.deleteControl("projected");
        log.deleteControl("projected"); // a missing one is not an error
        assertTrue(other.control("projected").isEmpty());
        assertTrue(other.createControl("projected", bytes("again")));
        assertEquals("again", text(log.control("projected").orElseThrow().bytes()));
    }

    @Test
    void controlObjectsAreListedByPrefixSorted() throws Exception {
        for (String name : List.of("lock/00000000000000000002", "index", "lock/00000000000000000001", "lockx",
                "a/b/c", "a/b.d")) {
            assertTrue(log.createControl(name, bytes(name)));
        }
        LogStore other = second();
        assertEquals(List.of("lock/00000000000000000001", "lock/00000000000000000002"), other.controls("lock/"));
        assertEquals(List.of("lock/00000000000000000001", "lock/00000000000000000002", "lockx"), other.controls("lock"));
        assertEquals(List.of("a/b.d", "a/b/c"), other.controls("a/b"));
        assertEquals(List.of("a/b.d", "a/b/c", "index", "lock/00000000000000000001", "lock/00000000000000000002",
                "lockx"), other.controls(""));
        assertEquals(List.of(), other.controls("nothing/"));
        log.append(0, records("r1"));
        assertEquals(6, other.controls("").size(), "records are not control objects");
        assertEquals("a/b/c", text(other.control("a/b/c").orElseThrow().bytes()));
    }

    @Test
    void aViewHasTheHeadAndTheControlObjectsUnderItsPrefixWithTheirBytes() throws Exception {
        LogStore.View nothing = second().view("");
        assertEquals(0, nothing.head());
        assertEquals(Map.of(), nothing.controls());
        assertFalse(store.hasLog(APP, STAGE), "a view writes nothing");
        for (String name : List.of("lock/00000000000000000001", "lock/00000000000000000002", "projected", "index")) {
            assertTrue(log.createControl(name, bytes("bytes of " + name)));
        }
        log.append(0, records("r1", "r2"));
        LogStore.View all = second().view("");
        assertEquals(2, all.head());
        assertEquals(List.of("index", "lock/00000000000000000001", "lock/00000000000000000002", "projected"),
                List.copyOf(all.controls().keySet()));
        all.controls().forEach((name, c) -> {
            assertEquals(name, c.name());
            assertEquals("bytes of " + name, text(c.bytes()));
        });
        assertEquals(List.of("lock/00000000000000000001", "lock/00000000000000000002"),
                List.copyOf(second().view("lock/").controls().keySet()));
        log.putControl("projected", bytes("2\n"));
        assertEquals("2\n", text(second().view("").controls().get("projected").bytes()), "a view is read anew each time");
    }

    @Test
    void controlObjectsHoldAnyBytesUnchangedIncludingDamagedOrForeignOnes() throws Exception {
        List<byte[]> samples = List.of(new byte[0], bytes("garbage"), bytes("line 1\nline 2\r\n"),
                new byte[] {0, (byte) 0xff, (byte) 0xfe, 10, 13, 0, (byte) 0xc3},
                bytes("alchemy-java-lease 1\nstate=held\nexpires=not a time\n"));
        for (int i = 0; i < samples.size(); i++) {
            log.putControl("lock/" + i, samples.get(i));
        }
        LogStore other = second();
        for (int i = 0; i < samples.size(); i++) {
            assertArrayEquals(samples.get(i), other.control("lock/" + i).orElseThrow().bytes(), "object " + i);
        }
        assertFalse(other.createControl("lock/1", bytes("mine")), "a damaged object still exists");
    }

    @Test
    void badControlObjectNamesAreRefused() {
        for (String bad : List.of("", "/a", "a/", "a//b", "Upper", "../x", ".hidden", "a/.b", "sp ace", "x".repeat(201))) {
            assertThrows(IllegalArgumentException.class, () -> log.putControl(bad, bytes("x")), bad);
            assertThrows(IllegalArgumentException.class, () -> log.createControl(bad, bytes("x")), bad);
            assertThrows(IllegalArgumentException.class, () -> log.control(bad), bad);
        }
    }

    @Test
    @Timeout(120)
    void twoCreatesOfTheSameControlObjectAtOnceHaveExactlyOneWinner() throws Exception {
        assumeAtomicCreates();
        LogStore other = second();
        for (int round = 0; round < 20; round++) {
            String name = "lock/" + round;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Boolean> a = pool.submit(() -> {
                    go.await();
                    return log.createControl(name, bytes("a"));
                });
                Future<Boolean> b = pool.submit(() -> {
                    go.await();
                    return other.createControl(name, bytes("b"));
                });
                go.countDown();
                boolean aWon = a.get();
                assertTrue(aWon ^ b.get(), "exactly one of two creates of " + name + " wins");
                assertEquals(aWon ? "a" : "b", text(second().control(name).orElseThrow().bytes()),
                        "the object holds the winner's bytes");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------ is there a log?

    @Test
    void openingAndReadingALogWritesNothingAndHasLogSaysWhetherAnythingWas() throws Exception {
        assertFalse(store.hasLog(APP, STAGE));
        LogStore other = logOf(store, "other");
        assertEquals(0, log.head());
        assertEquals(List.of(), readAll(log, 0));
        assertTrue(log.control("projected").isEmpty());
        assertEquals(List.of(), log.controls(""));
        assertEquals(0, other.head());
        StateStore fresh = reopenStore();
        opened.add(fresh);
        for (StateStore s : List.of(store, fresh)) {
            assertFalse(s.hasLog(APP, STAGE), "opening and reading a log must not create it");
            assertFalse(s.hasLog(APP, "other"));
        }
        log.append(0, records("r1"));
        other.createControl("lock/00000000000000000001", bytes("held"));
        StateStore later = reopenStore();
        opened.add(later);
        for (StateStore s : List.of(store, later)) {
            assertTrue(s.hasLog(APP, STAGE));
            assertTrue(s.hasLog(APP, "other"), "a control object alone makes a log");
            assertFalse(s.hasLog(APP, "never"));
        }
    }
}
