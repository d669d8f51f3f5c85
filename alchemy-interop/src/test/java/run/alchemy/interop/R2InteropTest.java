package run.alchemy.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.engine.Alchemy;
import run.alchemy.store.r2.FakeCloudflare;
import run.alchemy.store.r2.R2StateStore;
import run.alchemy.store.s3.testkit.LocalS3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real Alchemy 0.94.0 with its own {@code R2RestStateStore} (node/r2-deploy.mjs, {@code baseUrl}
 * from {@code CLOUDFLARE_BASE_URL}) and alchemy-java's R2 store deploying the same stage in turn,
 * against {@link FakeCloudflare}, a fake of Cloudflare's documented REST API (there is no emulator
 * of it); alchemy-java keeps its event log on S3Proxy standing in for R2's S3 endpoint. Each side
 * skips what the other wrote. Then the requests and time of a cold deploy, a no-op and a destroy
 * of 1,000 records by each, in the same run.
 */
class R2InteropTest {
    private static final String APP = "r2-interop";
    private static final String PASSWORD = "r2-interop-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeCloudflare cf;
    private static LocalS3 s3;
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        cf = FakeCloudflare.start();
        s3 = LocalS3.start();
    }

    @AfterAll
    static void stop() throws Exception {
        cf.close();
        s3.close();
    }

    /** {@code node r2-deploy.mjs}: the handler calls of the run (creates and updates). */
    private int node(String bucket, String stage, int n, int changed, boolean destroy) throws Exception {
        NodeRequired.assumeNode("the R2 interop test");
        Path nodeDir = Path.of(System.getProperty("interop.node.dir", "node")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("node", nodeDir.resolve("r2-deploy.mjs").toString(), APP, stage,
                Integer.toString(n), work.toString(), "--changed", Integer.toString(changed)));
        if (destroy) {
            cmd.add("--destroy");
        }
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(nodeDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CLOUDFLARE_") || k.startsWith("CF_") || k.startsWith("ALCHEMY_")
                || k.equals("STAGE") || k.equals("CI"));
        pb.environment().putAll(Map.of("CLOUDFLARE_API_TOKEN", cf.token, "CLOUDFLARE_BASE_URL", cf.baseUrl(),
                "CLOUDFLARE_ACCOUNT_ID", "acct-1", "R2_BUCKET", bucket, "ALCHEMY_PASSWORD", PASSWORD));
        Process p = pb.start();
        if (!p.waitFor(RealAlchemy.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("node r2-deploy.mjs timed out; stderr:\n" + Files.readString(err));
        }
        String report = Files.readString(out).strip();
        if (p.exitValue() != 0 || report.isEmpty()) {
            fail("node r2-deploy.mjs exited with " + p.exitValue() + ": " + report + "\nstderr:\n" + Files.readString(err));
        }
        JsonNode r = JSON.readTree(report.substring(report.lastIndexOf('\n') + 1));
        return r.path("calls").asInt();
    }

    /** alchemy-java on the same stage; the outcomes land in {@link #outcomes}. */
    private void java(String bucket, String stage, int n, int changed, Phase phase) {
        outcomes.clear();
        Alchemy.app(APP).stage(stage).phase(phase).password(PASSWORD).environment(Map.of())
                .stateStore(scope -> R2StateStore.builder().bucket(bucket).readCache(work.resolve("r2-cache"))
                        .environment(Map.of("CLOUDFLARE_API_TOKEN", cf.token, "CLOUDFLARE_BASE_URL", cf.baseUrl(),
                                "CLOUDFLARE_ACCOUNT_ID", "acct-1"))
                        .eventLogOnS3(s3.endpoint(), s3.accessKey(), s3.secretKey()).s3Region(LocalS3.REGION).build())
                .provider(ValueProvider.VALUE)
                .listener(outcomes::add)
                .run(a -> {
                    if (phase == Phase.UP) {
                        for (int i = 0; i < n; i++) {
                            Map<String, Object> props = new LinkedHashMap<>();
                            props.put("name", (i < changed ? "changed-" : "name-") + i);
                            props.put("n", i);
                            a.apply("r" + i, ValueProvider.VALUE, props);
                        }
                    }
                });
    }

    private Map<Action, Long> actions() {
        return outcomes.stream().collect(Collectors.groupingBy(Outcome::action, TreeMap::new, Collectors.counting()));
    }

    private String newBucket() {
        String bucket = "interop-" + Long.toHexString(System.nanoTime());
        s3.client().createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    @Test
    void alchemyAndAlchemyJavaDeployOneStageInTurnEachSkippingWhatTheOtherWrote() throws Exception {
        String bucket = newBucket();
        assertEquals(20, node(bucket, "dev", 20, 0, false), "Alchemy creates the 20 values");
        Map<String, String> written = cf.objects(bucket);
        assertTrue(written.get("alchemy/" + APP + "/dev/r3").startsWith("{\""), "compact: " + written.get("alchemy/" + APP + "/dev/r3"));

        java(bucket, "dev", 20, 0, Phase.UP);
        assertEquals(Map.of(Action.SKIPPED, 20L), actions(), "alchemy-java skips what Alchemy wrote");
        assertEquals(written, cf.objects(bucket), "and rewrites none of it");

        java(bucket, "dev", 20, 2, Phase.UP);
        assertEquals(Map.of(Action.SKIPPED, 18L, Action.UPDATED, 2L), actions());
        String r0 = cf.objects(bucket).get("alchemy/" + APP + "/dev/r0");
        assertTrue(r0.contains("changed-0") && !r0.contains("\n"), "compact, as Alchemy uploads: " + r0);

        assertEquals(0, node(bucket, "dev", 20, 2, false), "Alchemy skips what alchemy-java wrote");
        java(bucket, "dev", 20, 2, Phase.UP);
        assertEquals(Map.of(Action.SKIPPED, 20L), actions(), "and alchemy-java what Alchemy then left");

        node(bucket, "dev", 0, 0, true);
        assertTrue(cf.objects(bucket).keySet().stream().noneMatch(k -> k.startsWith("alchemy/" + APP + "/dev/")),
                cf.objects(bucket).keySet().toString());
    }

    /**
     * Requests and time of the three runs of each client, 1,000 records, same fake, same run. Pages
     * of 1,000 even without {@code per_page}: Alchemy's client sends {@code limit} and reads only
     * the first page, so with smaller pages its destroy would leave records behind.
     */
    @Test
    void requestsOfAColdDeployNoOpAndDestroyOfAThousandRecords() throws Exception {
        int n = 1000;
        cf.defaultPerPage(1000);
        String bucket = newBucket();
        Map<String, String> table = new LinkedHashMap<>();
        for (String side : List.of("alchemy", "alchemy-java")) {
            String stage = side.equals("alchemy") ? "node" : "java";
            for (String run : List.of("cold", "no-op", "destroy")) {
                cf.clearRequests();
                long t0 = System.nanoTime();
                boolean destroy = run.equals("destroy");
                if (side.equals("alchemy")) {
                    int calls = node(bucket, stage, n, 0, destroy);
                    assertEquals(run.equals("cold") ? n : 0, calls, run);
                } else {
                    java(bucket, stage, n, 0, destroy ? Phase.DESTROY : Phase.UP);
                    assertEquals(run.equals("cold") ? Action.CREATED : run.equals("no-op") ? Action.SKIPPED : Action.DELETED,
                            actions().keySet().iterator().next(), run);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                var seen = cf.requests();
                table.put(side + " " + run, String.format("%5d requests (%4d GET object, %4d PUT, %4d DELETE, %3d list, %4d other) %6d ms",
                        seen.size(), count(seen, "GET"), count(seen, "PUT"), count(seen, "DELETE"),
                        seen.stream().filter(FakeCloudflare.Seen::isList).count(),
                        seen.size() - count(seen, "GET") - count(seen, "PUT") - count(seen, "DELETE")
                                - seen.stream().filter(FakeCloudflare.Seen::isList).count(), ms));
                if (side.equals("alchemy-java") && run.equals("no-op")) {
                    assertTrue(seen.size() <= 10, "a no-op reads no record: " + seen.size() + " requests");
                }
            }
        }
        table.forEach((k, v) -> System.out.printf("[r2-interop] %-20s %s%n", k, v));
        assertTrue(cf.objects(bucket).keySet().stream().noneMatch(k -> k.startsWith("alchemy/")), "both destroyed");
        cf.defaultPerPage(20);
    }

    private static long count(List<FakeCloudflare.Seen> seen, String method) {
        return seen.stream().filter(s -> s.method().equals(method) && s.path().contains("/objects/")).count();
    }
}
