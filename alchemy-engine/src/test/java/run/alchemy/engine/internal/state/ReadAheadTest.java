package run.alchemy.engine.internal.state;

import org.junit.jupiter.api.Test;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The background read of a large scope holds at most a bounded lead of records the program has not
 * taken, and lets go of those it took; it never makes the program wait for it, and it parses the
 * records it read while it waits for the store.
 */
class ReadAheadTest {
    private static final List<String> STAGE = List.of("app", "dev");
    private static final int N = 5_000;
    private static final int LEAD = 256;
    /** Long enough that a program reading on is never taken for one that stopped, on a loaded machine too. */
    private static final long PATIENT = TimeUnit.SECONDS.toNanos(30);

    @Test
    void theReadStaysALeadAheadOfTheProgram() throws InterruptedException {
        BatchStore store = new BatchStore(N);
        ReadAhead reads = new ReadAhead(store, new StateSerde(), true, ReadAhead.KnownBodies.NONE, LEAD, PATIENT);
        for (int i = 0; i < 500; i++) {
            assertTrue(reads.stored(key(i)).isPresent());
            store.taken.incrementAndGet();
        }
        Thread.sleep(200); // time enough for an unbounded read to run on (it reads all 5,000 in well under that)
        int read = store.read.get();
        assertTrue(read <= 500 + LEAD + 1024, "read " + read + " records with 500 taken");
        for (int i = 500; i < N; i++) {
            assertTrue(reads.stored(key(i)).isPresent(), "record " + i);
            store.taken.incrementAndGet();
        }
        assertEquals(N, store.read.get(), "every record read once");
        // a chunk is asked once the program is within the lead of it, or waits for the chunk before it
        for (int[] batch : store.batches) {
            assertTrue(batch[0] <= batch[1] + 1 + LEAD + 1024, "a batch from " + batch[0] + " asked with " + batch[1] + " taken");
        }
    }

    @Test
    void aTakenRecordIsLetGoAndASecondReadAsksTheStore() throws InterruptedException {
        BatchStore store = new BatchStore(N);
        ReadAhead reads = new ReadAhead(store, new StateSerde(), true, ReadAhead.KnownBodies.NONE, LEAD, PATIENT);
        WeakReference<byte[]> first = new WeakReference<>(reads.stored(key(0)).orElseThrow().bytes());
        // the background read may still hold its first chunk for a moment after completing it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (first.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(first.get(), "the bytes of a record the program took are not held");
        assertEquals(0, store.gets.get());
        assertEquals(record(0), new String(reads.stored(key(0)).orElseThrow().bytes(), StandardCharsets.UTF_8));
        assertEquals(1, store.gets.get(), "the second read asked the store");
    }

    @Test
    void aProgramThatReadsOutOfOrderIsNotHeldBack() {
        BatchStore store = new BatchStore(N);
        ReadAhead reads = new ReadAhead(store, new StateSerde(), true, ReadAhead.KnownBodies.NONE, LEAD, PATIENT);
        assertTrue(reads.stored(key(N - 1)).isPresent(), "the last record, taken first");
        assertEquals(0, store.gets.get(), "read by the background read, not alone");
    }

    @Test
    void aListingIsNotHeldBack() {
        BatchStore store = new BatchStore(N);
        ReadAhead reads = new ReadAhead(store, new StateSerde(), true, ReadAhead.KnownBodies.NONE, LEAD, PATIENT);
        assertTrue(reads.stored(key(0)).isPresent());
        assertEquals(N, reads.ids(STAGE).size());
    }

    @Test
    void aProgramThatStopsReadingLetsTheReadFinish() throws InterruptedException {
        BatchStore store = new BatchStore(N);
        ReadAhead reads = new ReadAhead(store, new StateSerde(), true, ReadAhead.KnownBodies.NONE, LEAD,
                TimeUnit.MILLISECONDS.toNanos(50));
        assertTrue(reads.stored(key(0)).isPresent());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.read.get() < N && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(N, store.read.get(), "the read went on without the program");
    }

    @Test
    void theRecordsReadAreParsedAheadWhileTheNextChunkIsFetched() throws InterruptedException {
        List<StateSerde.Parsed> parsed = parsedWhileTheSecondChunkIsHeld(new BatchStore(N), null);
        for (int i = 0; i < parsed.size(); i++) {
            assertNotNull(parsed.get(i), "record " + (i + 1) + " parsed while the next chunk was fetched");
        }
    }

    @Test
    void theRecordsReadAheadHaveTheirSecretsOpenedWithTheCodecOfTheFirstRead() throws Exception {
        SecretCodec codec = new SecretCodec("the-password");
        String sealed = codec.seal("hunter2", false).toString();
        BatchStore store = new BatchStore(N, i -> record(i).replace("\"props\":{}", "\"props\":{\"token\":{\"@secret\":" + sealed + "}}"));
        List<StateSerde.Parsed> parsed = parsedWhileTheSecondChunkIsHeld(store, codec);
        for (int i = 0; i < parsed.size(); i++) {
            String record = "record " + (i + 1);
            assertNotNull(parsed.get(i), record + " parsed ahead");
            assertTrue(parsed.get(i).revived(), record + ": its secret opened ahead, not left to the program");
            assertSame(codec, parsed.get(i).codec(), record + " opened with the codec of the scope's first read");
        }
    }

    /**
     * Reads the first record with {@code codec}, holds the fetch of the second chunk until the
     * background read waits for it, and takes what was parsed ahead for records 1 to 63 meanwhile
     * (null where nothing was).
     */
    private static List<StateSerde.Parsed> parsedWhileTheSecondChunkIsHeld(BatchStore store, SecretCodec codec)
            throws InterruptedException {
        store.holdLater = new CountDownLatch(1);
        // a lead of the whole scope: the second chunk is asked as soon as the first is read
        ReadAhead reads = new ReadAhead(store, new StateSerde(), true, ReadAhead.KnownBodies.NONE, N, PATIENT);
        try {
            assertTrue(reads.stored(key(0), codec).isPresent());
            assertTrue(store.laterAsked.await(30, TimeUnit.SECONDS), "the second chunk asked");
            awaitReaderWaitingForTheFetch();
            List<StateSerde.Parsed> parsed = new ArrayList<>();
            for (int i = 1; i < 64; i++) {
                parsed.add(reads.stored(key(i), codec).orElseThrow().takeParsed());
            }
            return parsed;
        } finally {
            store.holdLater.countDown();
        }
    }

    /** Until the background read waits for the held fetch: it parses nothing more before that returns. */
    private static void awaitReaderWaitingForTheFetch() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                if (t.getKey().getName().equals("alchemy-state-reader") && t.getKey().getState() == Thread.State.WAITING
                        && Arrays.stream(t.getValue()).anyMatch(f -> f.getMethodName().equals("readInto"))) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the background read never waited for the held fetch");
    }

    private static Key key(int i) {
        return new Key(STAGE, id(i));
    }

    private static String id(int i) {
        return String.format("r%05d", i);
    }

    private static String record(int i) {
        return "{\"kind\":\"test::Thing\",\"id\":\"" + id(i) + "\",\"fqn\":\"app/dev/" + id(i)
                + "\",\"seq\":" + i + ",\"status\":\"created\",\"data\":{},\"output\":{},\"props\":{}}";
    }

    /** A store of N records that prefers batch reads, counting what it reads and what the program had taken when asked. */
    private static final class BatchStore implements StateStore {
        final AtomicInteger read = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();
        /** Records the program took, counted by the test. */
        final AtomicInteger taken = new AtomicInteger();
        /** Each batch asked: its first record's position, and how many records the program had taken. */
        final List<int[]> batches = new CopyOnWriteArrayList<>();
        /** When set, holds every batch after the first until it is counted down. */
        volatile CountDownLatch holdLater;
        final CountDownLatch laterAsked = new CountDownLatch(1);
        private final List<String> ids = new ArrayList<>();
        private final IntFunction<String> records;

        BatchStore(int n) {
            this(n, ReadAheadTest::record);
        }

        BatchStore(int n, IntFunction<String> records) {
            this.records = records;
            for (int i = 0; i < n; i++) {
                ids.add(id(i));
            }
        }

        @Override
        public boolean prefersBatchReads() {
            return true;
        }

        @Override
        public Contents contents(List<String> chain) {
            return new Contents(chain.equals(STAGE) ? ids : List.of(), List.of());
        }

        @Override
        public Map<String, byte[]> getBatch(List<String> chain, Collection<String> wanted) {
            int first = ids.indexOf(wanted.iterator().next());
            batches.add(new int[] {first, taken.get()});
            CountDownLatch hold = holdLater;
            if (first > 0 && hold != null) {
                laterAsked.countDown();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (String id : wanted) {
                out.put(id, records.apply(ids.indexOf(id)).getBytes(StandardCharsets.UTF_8));
                read.incrementAndGet();
            }
            return out;
        }

        @Override
        public Optional<byte[]> get(List<String> chain, String id) {
            gets.incrementAndGet();
            int i = ids.indexOf(id);
            return i < 0 ? Optional.empty() : Optional.of(records.apply(i).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void put(List<String> chain, String id, byte[] json) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public void delete(List<String> chain, String id) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public void deleteScope(List<String> chain) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String locate(List<String> chain, String id) {
            return String.join("/", chain) + "/" + id + ".json";
        }
    }
}
