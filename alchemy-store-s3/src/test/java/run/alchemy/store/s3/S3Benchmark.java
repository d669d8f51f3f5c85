package run.alchemy.store.s3;

import run.alchemy.api.Phase;
import run.alchemy.api.Secret;
import run.alchemy.engine.Alchemy;
import run.alchemy.store.s3.S3StateStore.RequestCounts;
import run.alchemy.store.s3.testkit.LocalS3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static run.alchemy.store.s3.LocalStores.store;

/**
 * The S3 store end to end against a real S3 API server in this process (S3Proxy, in memory):
 * cold deploy, no-op redeploy, a listing of the stage scope, {@code all()} (list + parallel reads of it) and
 * destroy of N resources, with wall time and the number of requests of each. Run it with
 * {@code benchmarks/s3 [--n 1000] [--reps 3] [--rtt MS] [--out FILE]}; it is not part of {@code mvn verify}.
 *
 * <p>The resources have 10-field props (strings, numbers, a list, a map), one in ten with a
 * secret. Times include S3Proxy's own work on the same two cores, so they measure the store's
 * request pattern on loopback, not S3's latency; the request counts carry over to S3 unchanged.
 *
 * <p>With {@code --alchemy} the real Alchemy 0.94 (alchemy-interop/node/deploy.mjs, its
 * {@code S3StateStore} pointed at the same server, installed by the build) deploys the same
 * resources as {@code alchemy::Value}s on a bucket of its own in the same run, after each Java
 * round: cold deploy, no-op redeploy and destroy, each a whole Node process (so its times include
 * Node's start, about half a second); the ratio column divides its median by alchemy-java's.
 */
public final class S3Benchmark {
    /** Ten fields, as in benchmarks/README.md's workload. */
    record Props(String name, String region, int size, int replicas, boolean enabled, double ratio,
                 List<String> tags, Map<String, String> labels, String description, Secret token) {
    }

    private record Measured(String workload, long millis, RequestCounts requests) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--alchemy")) {
                continue;
            }
            o.put(args[i].replaceFirst("^--", ""), args[++i]);
        }
        int n = Integer.parseInt(o.getOrDefault("n", "1000"));
        int reps = Integer.parseInt(o.getOrDefault("reps", "3"));
        Path out = Path.of(o.getOrDefault("out", "benchmarks/results/s3-latest.json"));
        boolean alchemy = args.length > 0 && List.of(args).contains("--alchemy");
        long rttMillis = Long.parseLong(o.getOrDefault("rtt", "0"));
        if (rttMillis > 0 && alchemy) {
            throw new IllegalArgumentException("--rtt delays alchemy-java's requests only: it cannot be compared"
                    + " with --alchemy, whose client sends straight to the server");
        }
        List<List<Measured>> rounds = new ArrayList<>();
        List<Map<String, Long>> alchemyRounds = new ArrayList<>();
        try (LocalS3 s3 = LocalS3.start(); Stores stores = new Stores(s3, rttMillis)) {
            for (int rep = 0; rep < reps; rep++) {
                rounds.add(round(stores, n));
                if (alchemy) {
                    alchemyRounds.add(RealAlchemyOnS3.round(s3, n));
                }
            }
        }
        StringBuilder json = new StringBuilder("{\n  \"n\": " + n + ",\n  \"reps\": " + reps + ",\n  \"java\": \""
                + System.getProperty("java.version") + "\",\n  \"cpus\": " + Runtime.getRuntime().availableProcessors()
                + ",\n  \"rtt_ms\": " + rttMillis + ",\n  \"workloads\": [\n");
        System.out.printf("%nS3 store, N = %d, median of %d (in-process S3Proxy on loopback%s)%n", n, reps,
                rttMillis > 0 ? ", each request sent " + rttMillis + " ms late" : "");
        System.out.printf("%-16s %10s %10s %8s %8s %14s %7s%n", "workload", "median ms", "requests", "lists", "writes",
                "Alchemy ms", "ratio");
        for (int w = 0; w < rounds.get(0).size(); w++) {
            List<Measured> all = new ArrayList<>();
            for (List<Measured> round : rounds) {
                all.add(round.get(w));
            }
            all.sort((a, b) -> Long.compare(a.millis(), b.millis()));
            Measured median = all.get(all.size() / 2);
            String workload = median.workload();
            List<Long> theirs = alchemyRounds.stream().filter(r -> r.containsKey(workload)).map(r -> r.get(workload))
                    .sorted().toList();
            Long alchemyMs = theirs.isEmpty() ? null : theirs.get(theirs.size() / 2);
            System.out.printf("%-16s %10d %10d %8d %8d %14s %7s%n", workload, median.millis(),
                    median.requests().requests(), median.requests().lists(), median.requests().writes(),
                    alchemyMs == null ? "" : alchemyMs, alchemyMs == null ? ""
                            : String.format(Locale.ROOT, "%.1fx", alchemyMs / (double) Math.max(1, median.millis())));
            json.append(String.format(Locale.ROOT,
                    "    {\"workload\": \"%s\", \"median_ms\": %d, \"runs_ms\": %s, \"requests\": %d, \"lists\": %d, \"writes\": %d, \"alchemy_median_ms\": %s, \"alchemy_runs_ms\": %s}%s%n",
                    workload, median.millis(), all.stream().map(Measured::millis).toList(),
                    median.requests().requests(), median.requests().lists(), median.requests().writes(),
                    alchemyMs, theirs, w + 1 < rounds.get(0).size() ? "," : ""));
        }
        json.append("  ]\n}\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json);
        System.out.println("wrote " + out);
    }

    /**
     * Store builders on the server. With a round trip time, every request waits that long before
     * it is sent (an SDK interceptor), as it would for its answer from S3 in another region: what
     * the number of requests one waits for in turn costs, which loopback does not show.
     */
    private record Stores(LocalS3 s3, long rttMillis, List<S3Client> clients) implements AutoCloseable {
        Stores(LocalS3 s3, long rttMillis) {
            this(s3, rttMillis, new ArrayList<>());
        }

        S3StateStore.Builder on(String bucket) {
            S3StateStore.Builder builder = store(s3, bucket);
            if (rttMillis == 0) {
                return builder;
            }
            ExecutionInterceptor late = new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                    try {
                        Thread.sleep(rttMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            S3Client client = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                    .region(Region.of(LocalS3.REGION)).credentialsProvider(s3.credentials())
                    .httpClientBuilder(Apache5HttpClient.builder().maxConnections(50))
                    .overrideConfiguration(c -> c.addExecutionInterceptor(late)).build();
            clients.add(client); // a store does not close a client it was given
            return builder.client(client);
        }

        @Override
        public void close() {
            clients.forEach(S3Client::close);
        }
    }

    private static List<Measured> round(Stores stores, int n) throws IOException {
        LocalS3 s3 = stores.s3();
        String bucket = s3.newBucket();
        Echo<Props> resource = new Echo<>("bench::Resource", Props.class);
        AtomicReference<S3StateStore> last = new AtomicReference<>();
        List<Measured> measured = new ArrayList<>();
        measured.add(timed("cold deploy", last, () -> program(stores, bucket, last, Phase.UP, resource, n)));
        measured.add(timed("no-op redeploy", last, () -> program(stores, bucket, last, Phase.UP, resource, n)));
        measured.add(timed("list", last, () -> {
            S3StateStore store = stores.on(bucket).build();
            last.set(store);
            try (store) {
                int listed = store.contents(List.of("bench", "dev")).ids().size();
                if (listed != n) {
                    throw new IllegalStateException("the listing shows " + listed + " records, expected " + n);
                }
            }
        }));
        measured.add(timed("all()", last, () -> {
            S3StateStore store = stores.on(bucket).build();
            last.set(store);
            try (store) {
                List<String> stage = List.of("bench", "dev");
                int found = store.getBatch(stage, store.list(stage)).size();
                if (found != n) {
                    throw new IllegalStateException("all() found " + found + " records, expected " + n);
                }
            }
        }));
        measured.add(timed("destroy", last, () -> program(stores, bucket, last, Phase.DESTROY, resource, n)));
        return measured;
    }

    private static void program(Stores stores, String bucket, AtomicReference<S3StateStore> last, Phase phase,
                                Echo<Props> resource, int n) {
        Alchemy.app("bench").stage("dev").phase(phase).password("bench-password").environment(Map.of())
                .provider(resource)
                .stateStore(scope -> {
                    S3StateStore store = stores.on(bucket).build();
                    last.set(store);
                    return store;
                })
                .run(app -> {
                    if (phase == Phase.DESTROY) {
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        app.apply("resource-" + i, resource, new Props("resource-" + i, "eu-west-" + (i % 3), i, i % 5,
                                i % 2 == 0, i / 7.0, List.of("team-" + (i % 4), "tier-" + (i % 3)),
                                Map.of("owner", "bench", "shard", Integer.toString(i % 16)),
                                "Resource number " + i + " of the S3 benchmark", i % 10 == 0 ? Secret.of("token-" + i) : null));
                    }
                });
    }

    private static Measured timed(String workload, AtomicReference<S3StateStore> last, Runnable run) {
        long start = System.nanoTime();
        run.run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Measured(workload, millis, last.get().requestCounts());
    }
}
