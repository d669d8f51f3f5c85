package run.alchemy.store.r2;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import run.alchemy.api.Action;
import run.alchemy.api.Context;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Stage;
import run.alchemy.store.r2.R2StateStore.RequestCounts;
import run.alchemy.store.s3.testkit.LocalS3;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine on the R2 store against {@link FakeCloudflare} (a fake of Cloudflare's documented REST
 * API, pages of 50), in each log mode: on S3Proxy standing in for R2's S3 endpoint, over the REST
 * API, and none (snapshots only). Cold deploy, no-op, one change and destroy, with the REST
 * requests each makes; compact bodies never read as changes.
 */
class R2DeployTest {
    private static final int N = 200;
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();
    private static FakeCloudflare cf;
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final AtomicReference<R2StateStore> lastStore = new AtomicReference<>();
    private final AtomicInteger calls = new AtomicInteger();
    @TempDir
    Path cacheDir;

    record Props(String name, Integer size, Secret token) {
    }

    /** A resource whose output is its props, counting provider calls. */
    final class Note implements ResourceProvider<Props, Props> {
        @Override
        public String kind() {
            return "r2test::Note";
        }

        @Override
        public Class<Props> propsType() {
            return Props.class;
        }

        @Override
        public Class<Props> outputType() {
            return Props.class;
        }

        @Override
        public Props create(Context<Props, Props> ctx, Props props) {
            calls.incrementAndGet();
            return props;
        }

        @Override
        public void delete(Context<Props, Props> ctx, Props props, Props output) {
            calls.incrementAndGet();
        }
    }

    @BeforeAll
    static void startFake() throws Exception {
        cf = FakeCloudflare.start().pageSize(50);
    }

    @AfterAll
    static void stopFake() {
        cf.close();
    }

    private Stage app(String bucket, R2StateStore.LogMode mode, Phase phase) {
        outcomes.clear();
        return Alchemy.app("app").stage("dev").phase(phase).password("r2-test-password").environment(Map.of())
                .stateStore(scope -> {
                    R2StoreBuilder b = R2StateStore.builder().bucket(bucket).environment(Map.of("CLOUDFLARE_API_TOKEN",
                            cf.token, "CLOUDFLARE_BASE_URL", cf.baseUrl(), "CLOUDFLARE_ACCOUNT_ID", "acct-1"))
                            .readCache(cacheDir);
                    if (mode == R2StateStore.LogMode.S3) {
                        b.eventLogOnS3(s3.endpoint(), s3.accessKey(), s3.secretKey()).s3Region(LocalS3.REGION);
                    }
                    b.logMode(mode);
                    R2StateStore store = b.build();
                    lastStore.set(store);
                    return store;
                })
                .listener(outcomes::add);
    }

    private RequestCounts deploy(String bucket, R2StateStore.LogMode mode, int changed) {
        Note note = new Note();
        app(bucket, mode, Phase.UP).run(a -> {
            for (int i = 0; i < N; i++) {
                a.apply("r" + i, note, new Props(i < changed ? "changed-" + i : "name-" + i, i,
                        i % 10 == 0 ? Secret.of("token-" + i) : null));
            }
            a.scope("nested", s -> s.apply("leaf/one", note, new Props("leaf", 1, null)));
        });
        return lastStore.get().requestCounts();
    }

    /** The bucket's objects in Alchemy's layout (the log's, in mode REST, are beside them). */
    private static Map<String, String> snapshots(String bucket) {
        Map<String, String> out = new TreeMap<>(cf.objects(bucket));
        out.keySet().removeIf(k -> k.startsWith("alchemy/.alchemy-java/"));
        return out;
    }

    private Map<Action, Long> actions() {
        return outcomes.stream().collect(Collectors.groupingBy(Outcome::action, TreeMap::new, Collectors.counting()));
    }

    @ParameterizedTest(name = "event log: {0}")
    @EnumSource(R2StateStore.LogMode.class)
    void deployNoOpChangeAndDestroyWithFewRequests(R2StateStore.LogMode mode) {
        String bucket = "deploy-" + BUCKETS.incrementAndGet();
        if (mode == R2StateStore.LogMode.S3) {
            s3.client().createBucket(b -> b.bucket(bucket));
        }
        RequestCounts cold = deploy(bucket, mode, 0);
        assertEquals(Map.of(Action.CREATED, (long) N + 1), actions());
        Map<String, String> objects = snapshots(bucket);
        assertEquals(N + 2, objects.size(), "the resources, the nested scope's record and its leaf");
        String r10 = objects.get("alchemy/app/dev/r10");
        assertTrue(r10.startsWith("{\"") && !r10.contains("\n"), "compact, as Alchemy uploads: " + r10);
        assertTrue(r10.contains("\"@secret\"") && !r10.contains("token-10"), "sealed: " + r10);
        assertTrue(objects.containsKey("alchemy/app/dev/nested/leaf:one"));

        int before = calls.get();
        cf.clearRequests();
        RequestCounts noOp = deploy(bucket, mode, 0);
        assertEquals(Map.of(Action.SKIPPED, (long) N + 1), actions(), "whitespace never reads as a change");
        assertEquals(before, calls.get(), "a no-op calls no provider");
        assertEquals(objects, snapshots(bucket), "a no-op uploads nothing");
        assertEquals(0, cf.requests().stream().filter(r -> !r.method().equals("GET") && r.path().contains("/objects/alchemy/app/"))
                .count(), "a no-op writes no snapshot: " + noOp);
        // In every mode a no-op writes nothing: the stage lease is taken at the first write.
        assertEquals(0, noOp.writes(), noOp.toString());
        if (mode != R2StateStore.LogMode.NONE) {
            assertTrue(noOp.requests() <= 20, "no record is read whose listed ETag is the one its upload got: " + noOp);
        }

        deploy(bucket, mode, 2);
        assertEquals(Map.of(Action.SKIPPED, (long) N - 1, Action.UPDATED, 2L), actions());
        RequestCounts afterChange = deploy(bucket, mode, 2);
        assertEquals(Map.of(Action.SKIPPED, (long) N + 1), actions());
        if (mode != R2StateStore.LogMode.NONE) {
            assertTrue(afterChange.requests() <= 20 && afterChange.writes() == 0, afterChange.toString());
        }

        if (mode != R2StateStore.LogMode.NONE) {
            try (History h = app(bucket, mode, Phase.UP).history()) {
                assertTrue(h.verify().ok(), "the snapshots are what the log says: " + h.verify());
                assertEquals(2, h.runs().size(), "the no-op appended nothing");
            }
        }
        app(bucket, mode, Phase.DESTROY).provider(new Note()).run(a -> { });
        RequestCounts destroy = lastStore.get().requestCounts();
        assertEquals(N + 2, actions().get(Action.DELETED));
        assertFalse(cf.objects(bucket).keySet().stream().anyMatch(k -> k.startsWith("alchemy/app/")), "all deleted");
        System.out.printf("[r2] %s, %d records: cold %s, no-op %s, destroy %s%n", "log " + mode,
                N + 1, cold, noOp, destroy);
    }
}
