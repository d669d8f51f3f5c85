package run.alchemy.store.durable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;
import run.alchemy.testkit.FaultyProxy;

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
 * 2 MB per stored value, the per-app registry that answers {@code eventLogStages} (a Durable
 * Object cannot be listed), a mutation whose answer is lost (its retry must get the first
 * attempt's result), and positions past 2^53 (text, never a JavaScript number).
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

    /**
     * Found by the soak (benchmarks/soak): a run with a lock timeout opens the store (which reads
     * the log's view once, for the opening to take), waits for the lock while another run appends,
     * then opens the stage. Served the view from before the wait, it ran its program on a stale
     * head, called providers, and failed at its first append with a LogConflictException.
     */
    @Test
    void theViewReadAtOpenIsNotWhatTheOpeningGetsOnceTheLogWasUsedInBetween() {
        LogStore waiting = store("stale-view").logStore("app", "dev").orElseThrow(); // a new store: reads the view now
        LogStore other = store("stale-view").logStore("app", "dev").orElseThrow();
        assertEquals(1, other.append(0, List.of("{}".getBytes(StandardCharsets.UTF_8))));
        waiting.controls("lock/"); // the lease chain, as taking the lock reads it
        assertEquals(1, waiting.view("").head(), "the opening sees the append made during the wait");

        LogStore fresh = store("stale-view-2").logStore("app", "dev").orElseThrow();
        assertEquals(0, fresh.view("").head(), "with nothing in between, the view read at open is the opening's");
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

    @Test
    void anAppendWhoseAnswerIsLostIsRetriedAndGetsItsOwnResultNotAConflict() throws Exception {
        try (FaultyProxy proxy = FaultyProxy.recording(java.net.URI.create(worker.url()),
                FaultyProxy.dropAnswers(body -> body.contains("\"logAppend\""), 1))) {
            DurableObjectStateStore s = DurableObjectStateStore.builder().url(proxy.uri().toString()).token(worker.token())
                    .prefix("lost-answer").retryDelay(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)).build();
            opened.add(s);
            LogStore log = s.logStore("app", "dev").orElseThrow();
            assertEquals(1, log.append(0, List.of("{\"n\":1}".getBytes(StandardCharsets.UTF_8))));
            List<String> appends = proxy.forwarded().stream().filter(b -> b.contains("\"logAppend\"")).toList();
            assertEquals(2, appends.size(), "the worker saw the append and its retry");
            assertEquals(appends.get(0), appends.get(1), "the retry is the same request, its request id included");
            assertEquals(1, store("lost-answer").logStore("app", "dev").orElseThrow().head(), "appended once");

            // The same for a create: the retry is told it created the object, not that it existed.
            try (FaultyProxy again = FaultyProxy.recording(java.net.URI.create(worker.url()),
                    FaultyProxy.dropAnswers(body -> body.contains("\"controlCreate\""), 1))) {
                DurableObjectStateStore t = DurableObjectStateStore.builder().url(again.uri().toString()).token(worker.token())
                        .prefix("lost-answer").retryDelay(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)).build();
                opened.add(t);
                assertTrue(t.logStore("app", "dev").orElseThrow().createControl("lock/1", new byte[] {1}));
                assertEquals(2, again.forwarded().stream().filter(b -> b.contains("\"controlCreate\"")).count());
            }
        }
    }

    @Test
    void positionsPastTwoToTheFiftyThreeTravelAsTextAndAreExact() throws Exception {
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
        java.util.function.Function<String, String> rpc = body -> {
            try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder().url(worker.url() + "/rpc?app=app&stage=big")
                    .header("Authorization", "Bearer " + worker.token())
                    .post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get("application/json"))).build()).execute()) {
                return r.code() + " " + r.body().string();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        String append = "{\"method\":\"logAppend\",\"params\":{\"logPrefix\":\"big\",\"records\":[\"e30=\"],\"expectedHead\":%s}}";
        // 2^53 + 1 is not a double: a worker that parsed it as a number would see 2^53.
        String exact = rpc.apply(append.formatted("\"9007199254740993\""));
        assertTrue(exact.startsWith("200 ") && exact.contains("\"appended\":false") && exact.contains("\"head\":\"0\""), exact);
        String number = rpc.apply(append.formatted("9007199254740993"));
        assertTrue(number.startsWith("400 ") && number.contains("expectedHead"), "a JSON number is refused: " + number);
        String tooBig = rpc.apply(append.formatted("\"9223372036854775808\""));
        assertTrue(tooBig.startsWith("400 ") && tooBig.contains("expectedHead"), "past 2^63-1 is refused: " + tooBig);
        assertEquals(0, store("big").logStore("app", "big").orElseThrow().head(), "nothing was appended");

        // The client sends its positions as text too: a conflict names the exact expected head.
        LogStore log = store("big").logStore("app", "big").orElseThrow();
        var conflict = org.junit.jupiter.api.Assertions.assertThrows(run.alchemy.api.spi.LogConflictException.class,
                () -> log.append(9007199254740993L, List.of("{}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(conflict.getMessage().contains("9007199254740993"), conflict.getMessage());
    }
}
