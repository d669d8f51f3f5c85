package run.alchemy.store.durable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log primitives of our worker, in real workerd, through the engine-agnostic {@link DoLogClient}. */
class DoLogClientTest {
    @RegisterExtension
    static final LocalWorker worker = LocalWorker.ours();
    private static final AtomicInteger STAGES = new AtomicInteger();

    private DurableObjectStateStore store;
    private DoLogClient log;

    @BeforeEach
    void open() {
        store = worker.freshStore().build();
        log = store.logClient("app", "stage" + STAGES.incrementAndGet()).orElseThrow(); // a fresh Durable Object
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEmptyStageHasNoLogAndAskingCreatesNone() {
        assertFalse(log.exists());
        assertEquals(0, log.head());
        assertEquals(List.of(), log.read(0, 10).entries());
        assertFalse(log.exists());
    }

    @Test
    void appendAtTheHeadThenReadInOrder() {
        assertEquals(new DoLogClient.Appended(true, 2), log.append(0, List.of(b("one"), b("two"))));
        assertEquals(new DoLogClient.Appended(true, 3), log.append(2, List.of(new byte[] {0, (byte) 0xff, 10})));
        assertTrue(log.exists());
        assertEquals(3, log.head());
        List<DoLogClient.Entry> all = log.readAll(0);
        assertEquals(List.of(1L, 2L, 3L), all.stream().map(DoLogClient.Entry::position).toList());
        assertArrayEquals(b("two"), all.get(1).data());
        assertArrayEquals(new byte[] {0, (byte) 0xff, 10}, all.get(2).data());
        assertEquals(List.of(3L), log.read(2, 10).entries().stream().map(DoLogClient.Entry::position).toList());
    }

    @Test
    void anAppendAtAStaleHeadIsRefusedWholeAndChangesNothing() {
        log.append(0, List.of(b("a")));
        assertEquals(new DoLogClient.Appended(false, 1), log.append(0, List.of(b("b"), b("c"))));
        assertEquals(1, log.head());
        assertEquals(1, log.readAll(0).size());
    }

    @Test
    void readingPagesStopsAtTheLimitAndSaysThereIsMore() {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            records.add(b("r" + i));
        }
        log.append(0, records);
        DoLogClient.Page first = log.read(0, 10);
        assertEquals(10, first.entries().size());
        assertTrue(first.more());
        DoLogClient.Page last = log.read(20, 10);
        assertEquals(5, last.entries().size());
        assertFalse(last.more());
        assertEquals(25, log.readAll(0).size());
    }

    @Test
    void aRecordOverTwoMegabytesIsStoredInPartsAndReadWhole() {
        byte[] big = new byte[5 * 1024 * 1024 + 3];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        log.append(0, List.of(big, b("after")));
        List<DoLogClient.Entry> all = log.readAll(0);
        assertArrayEquals(big, all.get(0).data());
        assertArrayEquals(b("after"), all.get(1).data());
    }

    @Test
    void dropBelowKeepsTheHeadAndRefusesPositionsBeyondIt() {
        log.append(0, List.of(b("1"), b("2"), b("3")));
        log.dropBelow(3);
        assertEquals(List.of(3L), log.readAll(0).stream().map(DoLogClient.Entry::position).toList());
        assertEquals(3, log.head());
        log.dropBelow(4);
        assertEquals(List.of(), log.readAll(0));
        assertEquals(3, log.head());
        assertEquals(new DoLogClient.Appended(true, 4), log.append(3, List.of(b("4"))));
        StoreException e = assertThrows(StoreException.class, () -> log.dropBelow(9));
        assertTrue(e.getMessage().contains("beyond the log's head"), e.getMessage());
    }

    @Test
    void twoConcurrentAppendersAtTheSameHeadExactlyOneWins() throws Exception {
        for (int round = 0; round < 5; round++) {
            long head = log.head();
            List<DoLogClient.Appended> results = race(2, n -> log.append(head, List.of(b("writer " + n))));
            assertEquals(1, results.stream().filter(DoLogClient.Appended::appended).count(), results.toString());
            assertEquals(head + 1, log.head());
        }
        assertEquals(5, log.readAll(0).size());
    }

    @Test
    void controlObjectsCreateIfAbsentHasOneWinner() throws Exception {
        List<DoLogClient.Written> created = race(2, n -> log.controlCreate("lease", b("holder " + n)));
        assertEquals(1, created.stream().filter(DoLogClient.Written::written).count(), created.toString());
        DoLogClient.Control lease = log.controlGet("lease").orElseThrow();
        assertEquals(created.stream().filter(DoLogClient.Written::written).findFirst().orElseThrow().version().getAsLong(),
                lease.version());
    }

    @Test
    void controlObjectsPutDeleteListAndVersionsNeverRepeat() {
        assertTrue(log.controlGet("missing").isEmpty());
        long v1 = log.controlCreate("lease/a", b("x")).version().getAsLong();
        assertFalse(log.controlPut("lease/a", b("y"), OptionalLong.of(v1 + 100)).written());
        DoLogClient.Written put = log.controlPut("lease/a", b("y"), OptionalLong.of(v1));
        assertTrue(put.written());
        assertArrayEquals(b("y"), log.controlGet("lease/a").orElseThrow().data());
        log.controlPut("lease/b", new byte[3 * 1024 * 1024], OptionalLong.empty());
        log.controlPut("other", b("z"), OptionalLong.empty());
        assertEquals(List.of("lease/a", "lease/b"), log.controlList("lease/").stream().map(DoLogClient.Listed::name).toList());
        assertEquals(3 * 1024 * 1024, log.controlGet("lease/b").orElseThrow().data().length);
        assertFalse(log.controlDelete("lease/a", OptionalLong.of(v1)));
        assertTrue(log.controlDelete("lease/a", put.version()));
        assertTrue(log.controlGet("lease/a").isEmpty());
        long again = log.controlCreate("lease/a", b("x")).version().getAsLong();
        assertTrue(again > put.version().getAsLong(), again + " after " + put.version());
    }

    /** Runs {@code n} calls released together by a barrier; their results in order. */
    private static <T> List<T> race(int n, java.util.function.IntFunction<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    start.await();
                    return call.apply(id);
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }
}
