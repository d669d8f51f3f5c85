package run.alchemy.store.s3;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.Action;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.api.Secret;
import run.alchemy.api.StageLockedException;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Stage;
import run.alchemy.engine.StateStores;
import run.alchemy.store.s3.S3StateStore.RequestCounts;
import run.alchemy.store.s3.testkit.LocalS3;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.store.s3.LocalStores.store;

/** The engine on the S3 store, against a real S3 API server: the lifecycle, request counts, and two deployers. */
class S3DeployTest {
    private static final int N = 200;
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();
    private String bucket;
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void newBucket() {
        bucket = s3.newBucket();
    }

    /** The store of the last run (each run opens its own and closes it at the end). */
    private final AtomicReference<S3StateStore> lastStore = new AtomicReference<>();

    private Stage app(Phase phase) {
        outcomes.clear();
        return Alchemy.app("app").stage("dev").phase(phase).password("s3-test-password").environment(Map.of())
                .stateStore(scope -> {
                    S3StateStore store = store(s3, bucket).build();
                    lastStore.set(store);
                    return store;
                })
                .listener(outcomes::add);
    }

    private RequestCounts requestsOfLastRun() {
        return lastStore.get().requestCounts();
    }

    private void deploy(Echo<Echo.Props> echo, int changed) {
        app(Phase.UP).run(a -> {
            for (int i = 0; i < N; i++) {
                a.apply("r" + i, echo, new Echo.Props(i < changed ? "changed-" + i : "name-" + i, i,
                        i % 10 == 0 ? Secret.of("token-" + i) : null));
            }
            a.scope("nested", s -> s.apply("leaf/one", echo, new Echo.Props("leaf", 1, null)));
        });
    }

    private Map<Action, Long> actions() {
        return outcomes.stream().collect(Collectors.groupingBy(Outcome::action, TreeMap::new, Collectors.counting()));
    }

    /** Every object with its content, except the lease generations (which every run writes). */
    private Map<String, String> objects() {
        Map<String, String> out = new TreeMap<>();
        for (var o : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            if (!o.key().contains("/lock/")) {
                out.put(o.key(), s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                        .asString(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void deployNoOpChangeAndDestroyWithFewRequests() {
        Echo<Echo.Props> echo = Echo.props();
        deploy(echo, 0);
        assertEquals(Map.of(Action.CREATED, (long) N + 1), actions());
        assertTrue(objects().containsKey("alchemy/app/dev/r7"));
        assertTrue(objects().containsKey("alchemy/app/dev/nested/leaf:one"));
        assertTrue(objects().get("alchemy/app/dev/r10").contains("\"@secret\""));
        assertTrue(!objects().get("alchemy/app/dev/r10").contains("token-10"), "secrets are sealed");

        Map<String, String> before = objects();
        int calls = echo.calls.get();
        deploy(echo, 0);
        RequestCounts noOp = requestsOfLastRun();
        assertEquals(Map.of(Action.SKIPPED, (long) N + 1), actions());
        assertEquals(calls, echo.calls.get(), "a no-op calls no provider");
        assertEquals(before, objects(), "a no-op writes no record, event or mark");
        assertTrue(noOp.lists() <= 10, "a no-op makes a handful of list calls: " + noOp);
        assertTrue(noOp.requests() <= 20, "a no-op reads no record the listing shows untouched since its put: " + noOp);
        assertEquals(0, noOp.writes(), "a no-op writes nothing, not even a lease (taken at the first write): " + noOp);
        System.out.printf("[s3] no-op redeploy of %d resources: %s%n", N + 1, noOp);

        deploy(echo, N / 100);
        assertEquals(Map.of(Action.SKIPPED, (long) N + 1 - N / 100, Action.UPDATED, (long) N / 100), actions());
        assertTrue(objects().get("alchemy/app/dev/r0").contains("changed-0"));
        deploy(echo, N / 100);
        RequestCounts afterChange = requestsOfLastRun();
        assertEquals(Map.of(Action.SKIPPED, (long) N + 1), actions());
        assertTrue(afterChange.requests() <= 20 && afterChange.writes() == 0,
                "the records the change wrote are known by the ETags of their puts: " + afterChange);

        String edited = "alchemy/app/dev/r5";
        s3.client().putObject(b -> b.bucket(bucket).key(edited),
                software.amazon.awssdk.core.sync.RequestBody.fromString(objects().get(edited).replace("name-5", "by-hand")));
        deploy(echo, N / 100);
        assertEquals(Map.of(Action.SKIPPED, (long) N, Action.UPDATED, 1L), actions(),
                "a record edited behind the log's back has another ETag: it is read, adopted and updated back");
        assertTrue(objects().get(edited).contains("name-5"));

        try (History h = app(Phase.UP).history()) {
            assertTrue(h.verify().ok(), "the snapshots equal the fold of the log: " + h.verify());
            assertEquals(3, h.runs().size(), "the no-op runs appended nothing: " + h.runs());
        }

        app(Phase.DESTROY).provider(echo).run(a -> { });
        assertEquals(N + 2, actions().get(Action.DELETED), "the resources and the nested scope's record");
        assertTrue(objects().keySet().stream().noneMatch(k -> k.startsWith("alchemy/app/")), objects().keySet().toString());
    }

    @Test
    void theStoreIsFoundByItsUriAndTakesCredentialsFromTheDefaultChain() {
        String uri = s3.uri(bucket, "teams/");
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        try (var store = StateStores.open(uri)) {
            assertInstanceOf(S3StateStore.class, store);
            store.put(List.of("app", "dev"), "x", "{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(Map.of("teams/app/dev/x", "{}"), objects());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void twoDeployersOfOneStageTakeTurnsAndLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = List.of(
                    pool.submit(() -> Alchemy.app("app").stage("dev").password("pw").environment(Map.of())
                            .stateStore(scope -> store(s3, bucket).build()).lockTimeout(Duration.ofSeconds(60))
                            .run(app -> { for (int i = 0; i < 50; i++) app.apply("a" + i, Echo.props(), new Echo.Props("a", i, null)); })),
                    pool.submit(() -> Alchemy.app("app").stage("dev").password("pw").environment(Map.of())
                            .stateStore(scope -> store(s3, bucket).build()).lockTimeout(Duration.ofSeconds(60))
                            .run(app -> { for (int i = 0; i < 50; i++) app.apply("b" + i, Echo.props(), new Echo.Props("b", i, null)); })));
            for (Future<?> f : runs) {
                f.get();
            }
            try (History h = Alchemy.app("app").stage("dev").password("pw").environment(Map.of())
                    .stateStore(scope -> store(s3, bucket).build()).history()) {
                assertTrue(h.verify().ok(), h.verify().toString());
                assertEquals(2, h.runs().size());
                // The second run finalized the stage: the first run's resources were its orphans and
                // were deleted, exactly as two Alchemy programs sharing a stage behave.
                long survivors = objects().keySet().stream().filter(k -> k.matches("alchemy/app/dev/[ab]\\d+")).count();
                assertEquals(50, survivors);
                assertEquals(h.state().size(), objects().keySet().stream().filter(k -> k.startsWith("alchemy/app/")).count());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aHeldStageIsRefusedWithTheHolderNamed() {
        try (Alchemy first = app(Phase.UP).open()) {
            first.apply("r", Echo.props(), new Echo.Props("r", 1, null)); // its first write takes the lock
            Stage second = app(Phase.UP).lockTimeout(Duration.ZERO); // fail at once, do not wait
            var refused = assertThrows(StageLockedException.class, second::open);
            assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
            first.apply("s", Echo.props(), new Echo.Props("s", 1, null));
        }
        assertTrue(objects().containsKey("alchemy/app/dev/s"), "the holder went on");
    }

    /** Once wedged the stage on S3 (the store threw on an unreadable generation) and state unlock could not read it. */
    @Test
    void aDamagedLeaseIsReportedAndTakenOverOnS3AsOnTheFileSystem() {
        Echo<Echo.Props> echo = Echo.props();
        deploy(echo, 0);
        String chain = "alchemy/.alchemy-java/app/dev/lock/";
        List<String> generations = s3.client().listObjectsV2(b -> b.bucket(bucket).prefix(chain)).contents().stream()
                .map(o -> o.key()).sorted().toList();
        long next = Long.parseLong(generations.get(generations.size() - 1).substring(chain.length())) + 1;
        String damaged = String.format("lock/%020d", next);
        s3.client().putObject(b -> b.bucket(bucket).key("alchemy/.alchemy-java/app/dev/" + damaged),
                software.amazon.awssdk.core.sync.RequestBody.fromString("garbage"));
        try (History h = app(Phase.UP).history()) {
            var holder = h.lockHolder().orElseThrow();
            assertTrue(holder.isDamaged() && holder.describe().contains("\"garbage\""), holder.describe());
            assertEquals(damaged, holder.lockId());
        }
        deploy(echo, 0);
        assertEquals(Map.of(Action.SKIPPED, (long) N + 1), actions(), "a damaged lease does not hold the stage");
        deploy(echo, 1);
        assertEquals(Map.of(Action.SKIPPED, (long) N, Action.UPDATED, 1L), actions(), "the damaged lease was taken over");
        try (History h = app(Phase.UP).history()) {
            assertTrue(h.lockHolder().isEmpty(), "and released");
        }
    }
}
