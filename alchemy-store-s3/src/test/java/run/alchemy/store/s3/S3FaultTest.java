package run.alchemy.store.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.Action;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.Outcome;
import run.alchemy.api.Secret;
import run.alchemy.api.StoreException;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Stage;
import run.alchemy.store.s3.testkit.LocalS3;
import run.alchemy.testkit.FaultyProxy;
import run.alchemy.testkit.FaultyProxy.Answer;
import run.alchemy.testkit.FaultyProxy.Fault;
import run.alchemy.testkit.FaultyProxy.Policy;
import run.alchemy.testkit.FaultyProxy.Request;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.store.s3.LocalStores.store;

/**
 * Deploys through {@link FaultyProxy}: requests dropped (before and after the server acted),
 * delayed, or answered with S3's error documents (500, 503, 409, 301). Every deploy must complete or fail with a typed error, and after
 * the next (fault-free) run the snapshots must equal the fold of the log and hold exactly what the
 * program declares.
 */
class S3FaultTest {
    private static final int N = 40;
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();

    private static final Answer INTERNAL_ERROR = s3Error(500, "Internal Server Error", "InternalError",
            "We encountered an internal error. Please try again.");
    private static final Answer SLOW_DOWN = s3Error(503, "Slow Down", "SlowDown", "Please reduce your request rate.");
    /** S3's answer to a conditional write while another one on the key is in flight. */
    private static final Answer CONFLICT = s3Error(409, "Conflict", "ConditionalRequestConflict",
            "A conflicting operation occurred. If using PutObject you can retry the request.");
    private static final Answer WRONG_REGION = s3Error(301, "Moved Permanently", "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified endpoint.",
            "x-amz-bucket-region: eu-west-3");

    private static Answer s3Error(int status, String reason, String code, String message, String... headers) {
        return new Answer(status, reason, List.of(headers), "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<Error><Code>" + code + "</Code><Message>" + message + "</Message><RequestId>fault-proxy</RequestId></Error>");
    }

    /** Faults as {@code decide} says, a {@link Fault#ANSWER} answered as {@code answer} says. */
    private static Policy policy(Function<Request, Fault> decide, Function<Request, Answer> answer) {
        return new Policy() {
            @Override
            public Fault decide(Request request) {
                return decide.apply(request);
            }

            @Override
            public Answer answerOf(Request request) {
                return answer.apply(request);
            }
        };
    }

    private static boolean isLogWrite(Request r) {
        return r.method().equals("PUT") && r.target().contains("/log/");
    }

    private static Stage app(URI endpoint, String bucket, int maxAttempts, List<Outcome> outcomes) {
        return Alchemy.app("app").stage("dev").password("fault-test").environment(Map.of())
                .lease(Duration.ofSeconds(2)).lockTimeout(Duration.ofSeconds(15))
                .stateStore(scope -> store(s3, bucket).endpoint(endpoint).maxAttempts(maxAttempts)
                        .timeout(Duration.ofSeconds(5)).build())
                .listener(outcomes::add);
    }

    private static void program(Alchemy a, Echo echo, int version) {
        for (int i = 0; i < N; i++) {
            a.apply("r" + i, echo, new Echo.Props("v" + (i % 7 == 0 ? version : 0) + "-" + i, i,
                    i % 5 == 0 ? Secret.of("secret-" + i) : null));
        }
    }

    private static Map<String, String> state(String bucket) {
        Map<String, String> out = new TreeMap<>();
        for (var o : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("alchemy/app/")).contents()) {
            out.put(o.key(), s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asString(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void deploysUnderRandomFaultsCompleteOrFailCleanlyAndLeaveStateEqualToTheLog() throws Exception {
        int completed = 0;
        int failed = 0;
        for (int seed = 1; seed <= 3; seed++) {
            String bucket = s3.newBucket();
            Random random = new Random(seed);
            try (FaultyProxy proxy = FaultyProxy.start(s3.endpoint(), policy(r -> {
                synchronized (random) {
                    int roll = random.nextInt(100);
                    return roll < 10 ? Fault.ANSWER : roll < 14 ? Fault.DROP_BEFORE
                            : roll < 18 ? Fault.DROP_AFTER : roll < 22 ? Fault.DELAY : Fault.NONE;
                }
            }, r -> (r.target().hashCode() & 1) == 0 ? SLOW_DOWN : INTERNAL_ERROR))) {
                for (int version = 1; version <= 2; version++) {
                    Echo<Echo.Props> echo = Echo.props();
                    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
                    int v = version;
                    try {
                        app(proxy.uri(), bucket, 4, outcomes).run(a -> program(a, echo, v));
                        completed++;
                    } catch (AlchemyException e) {
                        failed++; // a clean, typed failure: allowed
                        assertFalse(e.getMessage().isBlank());
                    }
                    // The next run (no faults) repairs what a failed one left and must agree with the log.
                    List<Outcome> repair = new CopyOnWriteArrayList<>();
                    app(s3.endpoint(), bucket, 4, repair).run(a -> program(a, echo, v));
                    try (History h = app(s3.endpoint(), bucket, 4, repair).history()) {
                        assertTrue(h.verify().ok(), "seed " + seed + " v" + v + ": " + h.verify());
                        assertEquals(N, h.state().keySet().stream().filter(k -> k.id().startsWith("r")).count());
                    }
                    Map<String, String> state = state(bucket);
                    assertEquals(N + 0L, state.keySet().stream().filter(k -> k.matches("alchemy/app/dev/r\\d+")).count());
                    assertTrue(state.get("alchemy/app/dev/r7").contains("v" + v + "-7"), state.get("alchemy/app/dev/r7"));
                    if (v > 1) {
                        assertTrue(repair.stream().noneMatch(o -> o.action() == Action.CREATED),
                                "nothing the log holds is created twice: " + repair);
                    }
                }
                assertTrue(proxy.count(Fault.DROP_AFTER) > 0 && proxy.count(Fault.ANSWER) > 0,
                        "faults were injected: " + proxy.faults() + " of " + proxy.requests());
            }
        }
        System.out.printf("[s3-faults] %d deploys completed, %d failed cleanly%n", completed, failed);
        assertTrue(completed > 0, "with four attempts per request most deploys complete");
    }

    @Test
    void aDeployCutOffMidRunFailsCleanlyAndTheNextRunRepairs() throws Exception {
        String bucket = s3.newBucket();
        int[] seen = {0};
        try (FaultyProxy proxy = FaultyProxy.start(s3.endpoint(), policy(r -> {
            synchronized (seen) {
                // After the run has started writing, every write fails: retries cannot save it.
                return ++seen[0] > 25 && r.method().equals("PUT") ? Fault.ANSWER : Fault.NONE;
            }
        }, r -> INTERNAL_ERROR))) {
            AlchemyException e = assertThrows(AlchemyException.class,
                    () -> app(proxy.uri(), bucket, 2, new CopyOnWriteArrayList<>()).run(a -> program(a, Echo.props(), 1)));
            assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
        }
        List<Outcome> repair = new CopyOnWriteArrayList<>();
        app(s3.endpoint(), bucket, 2, repair).run(a -> program(a, Echo.props(), 1));
        try (History h = app(s3.endpoint(), bucket, 2, repair).history()) {
            assertTrue(h.verify().ok(), h.verify().toString());
            assertEquals(N, h.state().keySet().stream().filter(k -> k.id().startsWith("r")).count());
        }
        assertEquals(N, state(bucket).keySet().stream().filter(k -> k.matches("alchemy/app/dev/r\\d+")).count());
    }

    @Test
    void aConditionalRequestConflictIsRetried() throws Exception {
        String bucket = s3.newBucket();
        int[] conflicts = {0};
        try (FaultyProxy proxy = FaultyProxy.start(s3.endpoint(), policy(r -> {
            synchronized (conflicts) {
                return isLogWrite(r) && conflicts[0]++ < 2 ? Fault.ANSWER : Fault.NONE;
            }
        }, r -> CONFLICT))) {
            List<Outcome> outcomes = new CopyOnWriteArrayList<>();
            app(proxy.uri(), bucket, 2, outcomes).run(a -> program(a, Echo.props(), 1));
            assertEquals(N, outcomes.stream().filter(o -> o.action() == Action.CREATED).count());
            assertEquals(2, proxy.count(Fault.ANSWER));
            assertEquals(2, proxy.faults());
        }
        try (History h = app(s3.endpoint(), bucket, 2, new CopyOnWriteArrayList<>()).history()) {
            assertTrue(h.verify().ok(), h.verify().toString());
        }
    }

    @Test
    void aServerThatStopsAnsweringTimesOutAfterBoundedRetries() throws Exception {
        String bucket = s3.newBucket();
        try (FaultyProxy proxy = FaultyProxy.start(s3.endpoint(), new Policy() {
            @Override
            public Fault decide(Request request) {
                return Fault.DELAY;
            }

            @Override
            public long delayOf(Request request) {
                return 2_000; // far past the client's timeout: a server that stopped answering
            }
        })) {
            StoreException e = assertThrows(StoreException.class, () -> Alchemy.app("app").stage("dev")
                    .environment(Map.of())
                    .stateStore(scope -> store(s3, bucket).endpoint(proxy.uri()).maxAttempts(2)
                            .timeout(Duration.ofMillis(400)).build())
                    .run(a -> program(a, Echo.props(), 1)));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertEquals(2, proxy.requests(), "one request, tried twice");
        }
    }

    @Test
    void throttlingIsRetriedWithBackoff() throws Exception {
        String bucket = s3.newBucket();
        int[] throttled = {0};
        try (FaultyProxy proxy = FaultyProxy.start(s3.endpoint(), policy(r -> {
            synchronized (throttled) {
                return throttled[0]++ < 3 ? Fault.ANSWER : Fault.NONE;
            }
        }, r -> SLOW_DOWN))) {
            List<Outcome> outcomes = new CopyOnWriteArrayList<>();
            app(proxy.uri(), bucket, 5, outcomes).run(a -> program(a, Echo.props(), 1));
            assertEquals(N, outcomes.stream().filter(o -> o.action() == Action.CREATED).count());
            assertEquals(3, proxy.faults());
        }
    }

    @Test
    void aBucketInAnotherRegionIsNamedWithTheRegionToSet() throws Exception {
        String bucket = s3.newBucket();
        try (FaultyProxy proxy = FaultyProxy.start(s3.endpoint(), policy(r -> Fault.ANSWER, r -> WRONG_REGION))) {
            StoreException e = assertThrows(StoreException.class,
                    () -> app(proxy.uri(), bucket, 2, new CopyOnWriteArrayList<>()).run(a -> program(a, Echo.props(), 1)));
            assertTrue(e.getMessage().contains("another region") && e.getMessage().contains("eu-west-3"), e.getMessage());
        }
        assertEquals(Map.of(), state(bucket), "nothing was written");
    }
}
