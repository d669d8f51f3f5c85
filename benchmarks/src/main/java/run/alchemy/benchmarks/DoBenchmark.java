package run.alchemy.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Phase;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.StateStores;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Durable Object store end to end, alchemy-java against the real Alchemy 0.94's
 * {@code DOStateStore} client on one running worker (benchmarks/do starts alchemy-java's,
 * {@code alchemy-store-do/worker/run-local.mjs}): cold deploy, no-op redeploy, all() and destroy
 * of the workload's N resources, with the requests each makes, counted by a {@link CountingProxy}
 * in front of the worker.
 *
 * <pre>
 * ALCHEMY_STATE_TOKEN=… java -cp benchmarks/target/benchmarks.jar run.alchemy.benchmarks.DoBenchmark \
 *     --url http://127.0.0.1:PORT [--n 500] [--reps 3] [--variants secrets,nosecrets] [--no-alchemy] \
 *     [--node node] [--node-dir benchmarks/node] [--out-dir benchmarks/target/do]
 * </pre>
 *
 * <p>Per variant, each side runs one counted cycle through the proxy (its request counts; its
 * times are reported apart, as they include the proxy's hop) and then {@code --reps} cycles
 * straight to the worker (the medians), every cycle on a stage of its own (a fresh Durable
 * Object). alchemy-java runs in this process ({@code do+http://127.0.0.1:PORT}, token from
 * {@code ALCHEMY_STATE_TOKEN}); Alchemy in one Node process per variant ({@code node/bench-do.mjs}).
 * A cycle: <b>a</b> cold deploy (open, N applies, close), <b>b</b> no-op redeploy (the same
 * again), <b>d</b> read every record (a new store: {@code readScope}, else {@code contents} + {@code getBatch}; then
 * {@code StateSerde.readRecord} with a fresh {@link SecretCodec}, as Alchemy's {@code all()}
 * deserializes and decrypts), <b>f</b> destroy. Provider calls and what is left are checked.
 */
public final class DoBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final List<String> KEYS = List.of("a_cold_deploy", "b_noop_redeploy", "d_store_all", "f_destroy");

    private final String url;
    private final int n;
    private final int reps;
    private final String tag;

    private DoBenchmark(String url, int n, int reps, String tag) {
        this.url = url;
        this.n = n;
        this.reps = reps;
        this.tag = tag;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = parse(args);
        String url = o.get("url");
        if (url == null || !url.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("--url http://127.0.0.1:PORT of a running worker is required");
        }
        String token = System.getenv("ALCHEMY_STATE_TOKEN");
        if (token == null || token.length() < 32) {
            throw new IllegalArgumentException("ALCHEMY_STATE_TOKEN (the worker's token, at least 32 characters) is not set");
        }
        int n = Integer.parseInt(o.getOrDefault("n", "500"));
        int reps = Integer.parseInt(o.getOrDefault("reps", "3"));
        List<String> variants = Arrays.stream(o.getOrDefault("variants", "secrets,nosecrets").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String v : variants) {
            if (!v.equals("secrets") && !v.equals("nosecrets")) {
                throw new IllegalArgumentException("bad variant " + v + " (secrets, nosecrets)");
            }
        }
        boolean withAlchemy = !o.containsKey("no-alchemy");
        Path nodeDir = Path.of(o.getOrDefault("node-dir", "benchmarks/node")).toAbsolutePath();
        Path outDir = Path.of(o.getOrDefault("out-dir", "benchmarks/target/do")).toAbsolutePath();
        Files.createDirectories(outDir);
        String tag = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);

        Instant started = Instant.now();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("tool", "alchemy-java DoBenchmark");
        doc.put("workloadVersion", Workload.VERSION);
        doc.put("n", n);
        doc.put("timestamp", started.toString());
        doc.put("worker", url);
        ObjectNode config = doc.putObject("config");
        config.put("reps", reps).putPOJO("variants", variants).put("alchemy", withAlchemy);
        config.put("java", "Alchemy.app(\"bench-app\").stage(S).password(…).stateStore(\"do+" + url
                + "\") (token from ALCHEMY_STATE_TOKEN); d: StateStores.open(uri).readScope (else contents + getBatch) + readRecord");
        config.put("alchemy", "node/bench-do.mjs: alchemy(app, {stateStore: (scope) => new DOStateStore(scope,"
                + " {worker: {url, token}})}); d: DOStateStore.init() + all()");
        config.put("counting", "one cycle per side and variant through CountingProxy (requests by RPC method);"
                + " medians over the --reps cycles straight to the worker");
        ObjectNode sides = doc.putObject("results");
        boolean valid = true;
        DoBenchmark bench = new DoBenchmark(url, n, reps, tag);
        try (CountingProxy proxy = CountingProxy.start(url)) {
            for (String variant : variants) {
                ObjectNode java = bench.javaSide(variant, proxy);
                sides.set("java_" + variant, java);
                valid &= java.path("valid").asBoolean();
                if (withAlchemy) {
                    ObjectNode alchemy = bench.alchemySide(variant, proxy, nodeDir, outDir, o.getOrDefault("node", "node"));
                    sides.set("alchemy_" + variant, alchemy);
                    valid &= alchemy.path("valid").asBoolean();
                }
            }
        }
        doc.put("valid", valid);
        doc.put("finishedAt", Instant.now().toString());
        doc.put("elapsedS", EndToEnd.round((System.currentTimeMillis() - started.toEpochMilli()) / 1000.0, 1));
        Path out = outDir.resolve("do-n" + n + ".json");
        JSON.writeValue(out.toFile(), doc);
        System.out.println(table(doc, variants, withAlchemy) + "-> " + out);
        if (!valid) {
            System.err.println("DoBenchmark: a check FAILED (see \"checks\" in " + out + ")");
            System.exit(1);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String key = a.startsWith("--") ? a.substring(2) : "";
            if (key.equals("no-alchemy")) {
                o.put(key, "true");
            } else if (key.equals("help")) {
                System.out.println("usage: DoBenchmark --url http://127.0.0.1:PORT [--n 500] [--reps 3]"
                        + " [--variants secrets,nosecrets] [--no-alchemy] [--node node] [--node-dir DIR] [--out-dir DIR]");
                System.exit(0);
            } else if (Set.of("url", "n", "reps", "variants", "node", "node-dir", "out-dir").contains(key)
                    && i + 1 < args.length) {
                o.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option or missing value: " + a);
            }
        }
        return o;
    }

    // ------------------------------------------------------------------ alchemy-java

    private ObjectNode javaSide(String variant, CountingProxy proxy) {
        ObjectNode side = JSON.createObjectNode();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        ArrayNode checks = side.putArray("checks");
        boolean valid = true;
        for (int r = 0; r <= reps; r++) {
            boolean counted = r == 0;
            String stage = "java-" + variant.charAt(0) + "-" + (counted ? "c" : "r" + r) + "-" + tag;
            Map<String, Double> times = new LinkedHashMap<>();
            ObjectNode requests = JSON.createObjectNode();
            ObjectNode check = cycle(counted ? proxy.url() : url, stage, variant, times, counted ? proxy : null, requests);
            check.put("stage", stage).put("counted", counted);
            checks.add(check);
            valid &= check.path("ok").asBoolean();
            if (counted) {
                ObjectNode c = side.putObject("counted");
                times.forEach((k, ms) -> c.putObject(k).put("ms", EndToEnd.round(ms, 3)).set("requests", requests.get(k)));
            } else {
                times.forEach((k, ms) -> samples.computeIfAbsent(k, x -> new ArrayList<>()).add(ms));
            }
            StringBuilder line = new StringBuilder("  java " + variant + " " + stage + ":");
            times.forEach((k, ms) -> line.append(String.format(" %s %.0f", k.substring(0, 1), ms)));
            System.err.println(line + " ms" + (counted ? " (through the counting proxy)" : "")
                    + (check.path("ok").asBoolean() ? "" : " (CHECK FAILED: " + check + ")"));
        }
        ObjectNode w = side.putObject("workloads");
        samples.forEach((k, xs) -> w.set(k, summary(xs)));
        side.put("valid", valid);
        return side;
    }

    /** One cycle a, b, d, f on a stage of its own; fills times (ms) and, through the proxy, requests. */
    private ObjectNode cycle(String workerUrl, String stage, String variant, Map<String, Double> times,
                             CountingProxy proxy, ObjectNode requests) {
        String uri = "do+" + workerUrl;
        Workload.Secrets mode = variant.equals("secrets") ? Workload.Secrets.SECRET : Workload.Secrets.PLAIN;
        ThingProvider thing = new ThingProvider();
        ObjectNode check = JSON.createObjectNode();
        boolean ok = true;

        timed("a_cold_deploy", times, proxy, requests, () -> program(uri, stage, thing, mode, Phase.UP));
        int[] c = thing.calls();
        ok &= c[0] == n && c[1] == 0 && c[2] == 0;
        check.putPOJO("a", c);

        thing.reset();
        timed("b_noop_redeploy", times, proxy, requests, () -> program(uri, stage, thing, mode, Phase.UP));
        c = thing.calls();
        ok &= c[0] + c[1] + c[2] == 0;
        check.putPOJO("b", c);

        List<String> chain = List.of(Workload.APP, stage);
        int[] read = new int[1];
        timed("d_store_all", times, proxy, requests, () -> {
            StateSerde serde = new StateSerde();
            try (StateStore store = StateStores.open(uri)) {
                SecretCodec codec = new SecretCodec(Workload.PASSWORD);
                Map<String, byte[]> records = store.readScope(chain).map(StateStore.ScopeRead::records)
                        .orElseGet(() -> store.getBatch(chain, store.contents(chain).ids()));
                records.forEach((id, bytes) -> {
                    if (serde.readRecord(bytes, store.locate(chain, id), codec).has("output")) {
                        read[0]++;
                    }
                });
            }
        });
        ok &= read[0] == n;
        check.put("d", read[0]);

        thing.reset();
        timed("f_destroy", times, proxy, requests, () ->
                Alchemy.app(Workload.APP).stage(stage).password(Workload.PASSWORD).phase(Phase.DESTROY)
                        .stateStore(uri).provider(thing).open().close());
        c = thing.calls();
        int left;
        try (StateStore store = StateStores.open(uri)) {
            left = store.contents(chain).ids().size();
        }
        if (proxy != null) {
            proxy.take();
        }
        ok &= c[2] == n && left == 0;
        check.putPOJO("f", c).put("left", left).put("ok", ok);
        return check;
    }

    private void program(String uri, String stage, ThingProvider thing, Workload.Secrets mode, Phase phase) {
        try (Alchemy app = Alchemy.app(Workload.APP).stage(stage).password(Workload.PASSWORD).phase(phase)
                .stateStore(uri).provider(thing).open()) {
            for (int i = 0; i < n; i++) {
                app.apply(Workload.resourceId(i), thing, Workload.props(i, 0, mode));
            }
        }
    }

    private static void timed(String key, Map<String, Double> times, CountingProxy proxy, ObjectNode requests,
                              Runnable body) {
        System.gc();
        if (proxy != null) {
            proxy.take();
        }
        long t0 = System.nanoTime();
        body.run();
        times.put(key, (System.nanoTime() - t0) / 1e6);
        if (proxy != null) {
            requests.set(key, proxy.take());
        }
    }

    // ------------------------------------------------------------------ the real Alchemy

    private ObjectNode alchemySide(String variant, CountingProxy proxy, Path nodeDir, Path outDir, String node)
            throws IOException, InterruptedException {
        ObjectNode side = JSON.createObjectNode();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        ArrayNode checks = side.putArray("checks");
        ArrayNode raw = side.putArray("raw");
        boolean valid = true;
        for (int r = 0; r <= reps; r++) {
            boolean counted = r == 0;
            String stage = "alchemy-" + variant.charAt(0) + "-" + (counted ? "c" : "r" + r) + "-" + tag;
            Path out = outDir.resolve("alchemy-n" + n + "-" + variant + "-" + (counted ? "counted" : "r" + r) + ".json");
            Files.deleteIfExists(out);
            List<String> cmd = new ArrayList<>(List.of(node, "--expose-gc", "bench-do.mjs",
                    "--url", counted ? proxy.url() : url, "--n", Integer.toString(n), "--variant", variant,
                    "--stage", stage, "--out", out.toString()));
            if (counted) {
                cmd.addAll(List.of("--counts", proxy.url()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(nodeDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("ALCHEMY_TELEMETRY_DISABLED", "1");
            pb.environment().put("DO_NOT_TRACK", "1");
            int rc = pb.start().waitFor();
            if (rc != 0 || !Files.exists(out)) {
                throw new IllegalStateException("node bench-do.mjs (" + variant + ", " + stage + ") exited with " + rc);
            }
            JsonNode run = JSON.readTree(out.toFile());
            raw.add(out.getFileName().toString());
            ObjectNode check = ((ObjectNode) run.path("checks").deepCopy()).put("stage", stage).put("counted", counted);
            checks.add(check);
            valid &= run.path("valid").asBoolean();
            if (counted) {
                ObjectNode c = side.putObject("counted");
                run.path("workloadsMs").properties().forEach(e -> c.putObject(e.getKey())
                        .put("ms", e.getValue().asDouble()).set("requests", run.path("requests").path(e.getKey())));
            } else {
                run.path("workloadsMs").properties().forEach(e ->
                        samples.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(e.getValue().asDouble()));
            }
            side.put("alchemyVersion", run.path("alchemyVersion").asText());
            side.set("host", run.path("host"));
        }
        ObjectNode w = side.putObject("workloads");
        samples.forEach((k, xs) -> w.set(k, summary(xs)));
        side.put("valid", valid);
        return side;
    }

    // ------------------------------------------------------------------ report

    private ObjectNode summary(List<Double> xs) {
        ObjectNode w = JSON.createObjectNode();
        w.put("units", n).put("reps", xs.size());
        w.putPOJO("samplesMs", xs.stream().map(x -> EndToEnd.round(x, 3)).toList());
        double med = EndToEnd.median(xs);
        w.put("medianMs", EndToEnd.round(med, 3));
        w.put("minMs", EndToEnd.round(xs.stream().mapToDouble(Double::doubleValue).min().orElse(0), 3));
        w.put("maxMs", EndToEnd.round(xs.stream().mapToDouble(Double::doubleValue).max().orElse(0), 3));
        w.put("perUnitUs", EndToEnd.round(med * 1000 / n, 1));
        return w;
    }

    private static String table(ObjectNode doc, List<String> variants, boolean withAlchemy) {
        JsonNode res = doc.path("results");
        StringBuilder b = new StringBuilder();
        b.append(String.format("%nDurable Object store, N=%d, worker %s: median of %d cycles straight to the worker;"
                        + " requests from one cycle through the counting proxy%n%n", doc.path("n").asInt(),
                doc.path("worker").asText(), doc.path("config").path("reps").asInt()));
        b.append(String.format("| %-26s | %12s | %12s | %8s | %12s | %9s |%n", "workload", "Alchemy ms", "Java ms",
                "ratio", "Alchemy req", "Java req"));
        b.append("|").append("-".repeat(28)).append("|").append("-".repeat(13)).append(":|").append("-".repeat(13))
                .append(":|").append("-".repeat(9)).append(":|").append("-".repeat(13)).append(":|")
                .append("-".repeat(10)).append(":|\n");
        for (String v : variants) {
            JsonNode j = res.path("java_" + v);
            JsonNode a = res.path("alchemy_" + v);
            for (String k : KEYS) {
                double jm = j.path("workloads").path(k).path("medianMs").asDouble(Double.NaN);
                double am = withAlchemy ? a.path("workloads").path(k).path("medianMs").asDouble(Double.NaN) : Double.NaN;
                long jr = j.path("counted").path(k).path("requests").path("requests").asLong(-1);
                long ar = withAlchemy ? a.path("counted").path(k).path("requests").path("requests").asLong(-1) : -1;
                b.append(String.format("| %-26s | %12s | %12s | %8s | %12s | %9s |%n",
                        k + (v.equals("secrets") ? "" : "_nosecrets"), fmt(am), fmt(jm),
                        Double.isNaN(am) ? "—" : String.format("%.1f×", am / jm), ar < 0 ? "—" : ar, jr < 0 ? "—" : jr));
            }
        }
        b.append("\nRequests by method (the counted cycle):\n");
        for (String v : variants) {
            for (String side : withAlchemy ? List.of("java", "alchemy") : List.of("java")) {
                JsonNode s = res.path(side + "_" + v);
                for (String k : KEYS) {
                    b.append(String.format("  %-7s %-9s %-16s %s%n", side, v, k,
                            s.path("counted").path(k).path("requests").path("methods")));
                }
            }
        }
        for (String v : variants) {
            b.append("\nalchemy-java's no-op redeploy (" + v + "), request by request:\n");
            res.path("java_" + v).path("counted").path("b_noop_redeploy").path("requests").path("sequence")
                    .forEach(r -> b.append("  ").append(r.asText()).append('\n'));
        }
        if (withAlchemy) {
            b.append("\nTarget: no-op redeploy at least 10× faster than Alchemy's client, in at most 3 requests\n");
            for (String v : variants) {
                double jm = res.path("java_" + v).path("workloads").path("b_noop_redeploy").path("medianMs").asDouble();
                double am = res.path("alchemy_" + v).path("workloads").path("b_noop_redeploy").path("medianMs").asDouble();
                long jr = res.path("java_" + v).path("counted").path("b_noop_redeploy").path("requests").path("requests").asLong();
                b.append(String.format("  %-9s %.1f× (%s), %d requests (%s)%n", v, am / jm, am / jm >= 10 ? "met" : "missed",
                        jr, jr <= 3 ? "met" : "missed"));
            }
        }
        return b.toString();
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "—" : String.format("%,.0f", ms);
    }
}
