package run.alchemy.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Phase;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The end-to-end workload of benchmarks/README.md through the public API, on the file-system
 * store — the Java side of {@code benchmarks/compare}. Not a JMH benchmark: like the Node harness
 * it times whole programs ({@code System.nanoTime()}, median of R repetitions).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar run.alchemy.benchmarks.EndToEnd \
 *     --n 1000 [--reps 3] [--variants secrets,nosecrets] [--only a,b,c,d,f,g] \
 *     [--dir /tmp/x] [--out result.json] [--keep]
 * </pre>
 *
 * <p>Each repetition starts from an empty state directory and runs, each timed on its own:
 * <b>a</b> cold deploy ({@code P(0)}: open, N × apply, close = finalize), <b>b</b> no-op
 * redeploy ({@code P(0)} again), <b>c</b> change 1% ({@code P(1)}), <b>d</b> read every record
 * (the store's list + getBatch and the engine's record deserialization with a fresh
 * {@link SecretCodec}: Alchemy's {@code FileSystemStateStore.all()}), <b>g</b> (Java only) the
 * program in {@link Phase#READ}, and <b>f</b> destroy ({@link Phase#DESTROY}). Provider calls and
 * state files are checked after each; a mismatch marks the result {@code valid: false}.
 *
 * <p>Peak RSS per workload: {@code /proc/self/status} VmHWM after the workload, having reset the
 * high-water mark with {@code /proc/self/clear_refs} (Linux) just before it, after a GC.
 */
public final class EndToEnd {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> ALL = List.of("a", "b", "c", "d", "g", "f");
    private static final Map<String, String> NAMES = Map.of(
            "a", "a_cold_deploy", "b", "b_noop_redeploy", "c", "c_change_1pct", "d", "d_store_all",
            "g", "g_read_phase", "f", "f_destroy");

    private final int n;
    private final int reps;
    private final List<String> variants;
    private final Set<String> only;
    private final Path baseDir;
    private final boolean keep;
    private long processPeakRss;

    private EndToEnd(int n, int reps, List<String> variants, Set<String> only, Path baseDir, boolean keep) {
        this.n = n;
        this.reps = reps;
        this.variants = variants;
        this.only = only;
        this.baseDir = baseDir;
        this.keep = keep;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = parse(args);
        List<Integer> ns = Arrays.stream(o.getOrDefault("n", "1000").split(",")).map(String::trim)
                .map(Integer::parseInt).toList();
        int reps = Integer.parseInt(o.getOrDefault("reps", "3"));
        List<String> variants = Arrays.stream(o.getOrDefault("variants", "secrets,nosecrets").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String v : variants) {
            if (!v.equals("secrets") && !v.equals("nosecrets")) {
                throw new IllegalArgumentException("bad variant " + v + " (secrets, nosecrets)");
            }
        }
        Set<String> only = new LinkedHashSet<>(Arrays.asList(o.getOrDefault("only", String.join(",", ALL)).split(",")));
        for (String k : only) {
            if (!ALL.contains(k)) {
                throw new IllegalArgumentException("bad workload " + k + " (a,b,c,d,g,f)");
            }
        }
        if (!only.contains("a") && only.stream().anyMatch(k -> !k.equals("a"))) {
            only.add("a"); // everything else needs the deployed state
        }
        Path dir = Path.of(o.getOrDefault("dir", System.getProperty("java.io.tmpdir") + "/alchemy-java-bench"));
        boolean keep = o.containsKey("keep");
        for (int n : ns) {
            String out = o.get("out");
            if (out != null && ns.size() > 1) {
                out = out.replaceFirst("(\\.json)?$", "-n" + n + ".json");
            }
            EndToEnd bench = new EndToEnd(n, reps, variants, only, dir.resolve("n" + n), keep);
            ObjectNode doc = bench.run();
            if (out != null) {
                Path p = Path.of(out).toAbsolutePath();
                Files.createDirectories(p.getParent());
                JSON.writeValue(p.toFile(), doc);
            }
            System.out.println(table(doc) + (out == null ? "" : "-> " + out + "\n"));
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            if (key.equals("keep")) {
                o.put(key, "true");
            } else if (key.equals("help")) {
                System.out.println("usage: EndToEnd --n 1000[,10000] [--reps 3] [--variants secrets,nosecrets]"
                        + " [--only a,b,c,d,g,f] [--dir DIR] [--out FILE.json] [--keep]");
                System.exit(0);
            } else if (Set.of("n", "reps", "variants", "only", "dir", "out").contains(key) && i + 1 < args.length) {
                o.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option or missing value: " + a);
            }
        }
        return o;
    }

    // ------------------------------------------------------------------ the workload

    private ObjectNode run() throws IOException {
        Instant started = Instant.now();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("tool", "alchemy-java EndToEnd");
        doc.put("workloadVersion", Workload.VERSION);
        doc.put("n", n);
        ObjectNode counts = doc.putObject("counts");
        counts.put("n", n).put("secrets", Workload.secretHolders(n)).put("changed", Workload.changeSetSize(n));
        doc.put("timestamp", started.toString());
        doc.set("host", host());
        ObjectNode config = doc.putObject("config");
        config.put("reps", reps);
        config.putPOJO("variants", variants);
        config.putPOJO("only", only);
        config.put("stateStore", "run.alchemy.store.fs.FileSystemStateStore (" + baseDir + ")");
        config.put("program", "sequential: Alchemy.app(\"bench-app\").stage(\"bench\").password(…)"
                + ".stateStore(new FileSystemStateStore(root/.alchemy)).open(); N × app.apply(id, THING, props);"
                + " app.close() (= finalize)");
        config.put("d_store_all", "store.list + store.getBatch + StateSerde.readRecord of every record, with a"
                + " fresh SecretCodec (one scrypt per distinct salt, as a new process pays)");
        ObjectNode workloads = doc.putObject("workloads");
        ObjectNode breakdown = doc.putObject("breakdown");
        ObjectNode checks = doc.putObject("checks");
        List<String> notes = new ArrayList<>();
        for (String variant : variants) {
            runVariant(variant, workloads, breakdown, checks, notes);
        }
        ObjectNode memory = doc.putObject("memory");
        memory.put("peakRssBytes", processPeakRss);
        memory.put("peakRssMiB", round(processPeakRss / 1048576.0, 1));
        memory.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        memory.put("note", "peak RSS per workload: VmHWM after the workload, reset before it (clear_refs)");
        doc.putPOJO("notes", notes);
        doc.put("finishedAt", Instant.now().toString());
        doc.put("elapsedS", round((System.currentTimeMillis() - started.toEpochMilli()) / 1000.0, 1));
        return doc;
    }

    private void runVariant(String variant, ObjectNode workloads, ObjectNode breakdown, ObjectNode checks,
                            List<String> notes) throws IOException {
        boolean secrets = variant.equals("secrets");
        String sfx = secrets ? "" : "_nosecrets";
        Workload.Secrets mode = secrets ? Workload.Secrets.SECRET : Workload.Secrets.PLAIN;
        int changed = Workload.changeSetSize(n);
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        Map<String, List<Long>> rss = new LinkedHashMap<>();
        Map<String, List<Double>> parts = new LinkedHashMap<>();
        List<ObjectNode> repChecks = new ArrayList<>();
        boolean valid = true;
        for (int r = 0; r < reps; r++) {
            Path root = baseDir.resolve((secrets ? "cycle" : "cycle_nosecrets") + "/rep-" + r);
            deleteTree(root);
            Files.createDirectories(root);
            Path stateRoot = root.resolve(".alchemy");
            Path stageDir = stateRoot.resolve(Workload.APP).resolve(Workload.STAGE);
            ThingProvider thing = new ThingProvider();
            ObjectNode check = JSON.createObjectNode().put("rep", r);
            StringBuilder line = new StringBuilder("  rep " + r + " " + variant + ":");

            // a, b, c: the program P(v)
            for (String k : List.of("a", "b", "c")) {
                if (!only.contains(k)) {
                    continue;
                }
                int v = k.equals("c") ? 1 : 0;
                thing.reset();
                long[] t = timed(() -> program(stateRoot, thing, v, mode, Phase.UP));
                double total = ms(t[0]);
                add(samples, k, total);
                add(rss, k, t[2]);
                add(parts, k + "Apply", ms(t[1]));
                add(parts, k + "Finalize", total - ms(t[1]));
                int[] calls = thing.calls();
                boolean ok = switch (k) {
                    case "a" -> calls[0] == n && calls[1] == 0 && calls[2] == 0 && countJson(stageDir) == n;
                    case "b" -> calls[0] + calls[1] + calls[2] == 0;
                    default -> calls[1] == changed && calls[0] == 0 && calls[2] == 0;
                };
                check.set(k, calls(calls, ok).put("stateFiles", countJson(stageDir)));
                valid &= ok;
                line.append(String.format(" %s %.0f ms", k, total));
            }
            // d: read every record as FileSystemStateStore.all() does
            if (only.contains("d")) {
                FileSystemStateStore store = new FileSystemStateStore(stateRoot);
                StateSerde serde = new StateSerde();
                int[] read = new int[1];
                long[] t = timed(() -> {
                    SecretCodec codec = new SecretCodec(Workload.PASSWORD);
                    List<String> chain = List.of(Workload.APP, Workload.STAGE);
                    List<String> ids = store.list(chain);
                    store.getBatch(chain, ids).forEach((id, bytes) -> {
                        ObjectNode rec = serde.readRecord(bytes, store.locate(chain, id), codec);
                        if (rec.has("output")) {
                            read[0]++;
                        }
                    });
                    return 0L;
                });
                add(samples, "d", ms(t[0]));
                add(rss, "d", t[2]);
                boolean ok = read[0] == n;
                check.set("d", JSON.createObjectNode().put("records", read[0]).put("ok", ok));
                valid &= ok;
                line.append(String.format(" d %.0f ms", ms(t[0])));
            }
            // g (Java only): the program in phase READ, every output read back
            if (only.contains("g")) {
                thing.reset();
                long[] t = timed(() -> program(stateRoot, thing, 0, mode, Phase.READ));
                add(samples, "g", ms(t[0]));
                add(rss, "g", t[2]);
                int[] calls = thing.calls();
                boolean ok = calls[0] + calls[1] + calls[2] == 0;
                check.set("g", calls(calls, ok));
                valid &= ok;
                line.append(String.format(" g %.0f ms", ms(t[0])));
            }
            // f: destroy the stage
            if (only.contains("f")) {
                thing.reset();
                long[] t = timed(() -> {
                    Alchemy.app(Workload.APP).stage(Workload.STAGE).password(Workload.PASSWORD)
                            .phase(Phase.DESTROY).stateStore(new FileSystemStateStore(stateRoot)).provider(thing)
                            .open().close();
                    return 0L;
                });
                add(samples, "f", ms(t[0]));
                add(rss, "f", t[2]);
                int[] calls = thing.calls();
                int left = countJson(stateRoot);
                boolean ok = calls[2] == n && left == 0;
                check.set("f", calls(calls, ok).put("stateFilesLeft", left));
                valid &= ok;
                line.append(String.format(" f %.0f ms", ms(t[0])));
            }
            repChecks.add(check);
            System.err.println(line);
            if (!keep) {
                deleteTree(root);
            }
        }
        if (!valid) {
            notes.add(variant + ": VALIDATION FAILED: see checks");
        }
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            String k = e.getKey();
            ObjectNode w = summarize(e.getValue(), n);
            w.put("mode", "seq").put("variant", variant).put("valid", valid);
            long peak = rss.get(k).stream().mapToLong(Long::longValue).max().orElse(0);
            w.put("peakRssBytes", peak).put("peakRssMiB", round(peak / 1048576.0, 1));
            if (k.equals("c")) {
                w.put("changedResources", changed);
            }
            workloads.set(NAMES.get(k) + sfx, w);
        }
        for (String k : List.of("a", "b", "c")) {
            if (parts.containsKey(k + "Apply")) {
                ObjectNode b = breakdown.putObject(NAMES.get(k) + sfx);
                b.set("applyLoop", summarize(parts.get(k + "Apply"), n));
                b.set("finalize", summarize(parts.get(k + "Finalize"), n));
            }
        }
        checks.putObject("cycle-seq-" + variant).put("valid", valid).putPOJO("reps", repChecks);
    }

    /** P(v): open, N sequential applies, close (= finalize); returns the nanos of open + apply loop. */
    private long program(Path stateRoot, ThingProvider thing, int variant, Workload.Secrets mode, Phase phase) {
        long t0 = System.nanoTime();
        Alchemy app = Alchemy.app(Workload.APP).stage(Workload.STAGE).password(Workload.PASSWORD).phase(phase)
                .stateStore(new FileSystemStateStore(stateRoot)).provider(thing).open();
        for (int i = 0; i < n; i++) {
            app.apply(Workload.resourceId(i), thing, Workload.props(i, variant, mode));
        }
        long applied = System.nanoTime() - t0;
        app.close();
        return applied;
    }

    /**
     * Writes back what earlier workloads left in the page cache, so that each starts from state on
     * disk, as a deploy does minutes after the last one. Without it a workload's cost depends on its
     * predecessor's writes still being cached: deleting 10,000 files whose blocks the kernel has not
     * allocated yet takes a tenth of the time it takes once they are on disk (0.13 s against 1.1 s
     * here), which made a destroy right after a deploy that never syncs look cheap.
     */
    private void flushToDisk() {
        try {
            new ProcessBuilder("sync", "-f", baseDir.toString()).inheritIO().start().waitFor();
        } catch (IOException e) {
            System.err.println("  (cannot flush the page cache before a workload: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Body {
        long run() throws Exception;
    }

    /** {total nanos, body's own result, peak RSS bytes during the body}; GC before. */
    private long[] timed(Body body) {
        System.gc();
        flushToDisk();
        resetPeakRss();
        long t0 = System.nanoTime();
        long inner;
        try {
            inner = body.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long total = System.nanoTime() - t0;
        long peak = peakRss();
        processPeakRss = Math.max(processPeakRss, peak);
        return new long[] {total, inner, peak};
    }

    // ------------------------------------------------------------------ helpers

    private static ObjectNode calls(int[] calls, boolean ok) {
        return JSON.createObjectNode().put("create", calls[0]).put("update", calls[1]).put("delete", calls[2])
                .put("ok", ok);
    }

    private static <T> void add(Map<String, List<T>> m, String k, T v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    private static ObjectNode summarize(List<Double> samplesMs, int units) {
        double med = median(samplesMs);
        ObjectNode w = JSON.createObjectNode();
        w.put("units", units);
        w.put("reps", samplesMs.size());
        w.putPOJO("samplesMs", samplesMs.stream().map(x -> round(x, 3)).toList());
        w.put("medianMs", round(med, 3));
        w.put("minMs", round(samplesMs.stream().mapToDouble(Double::doubleValue).min().orElse(0), 3));
        w.put("maxMs", round(samplesMs.stream().mapToDouble(Double::doubleValue).max().orElse(0), 3));
        w.put("perUnitUs", round(med * 1000 / units, 1));
        return w;
    }

    /** Resets the peak RSS (VmHWM) to the current RSS; Linux ≥ 4.0, silently nothing elsewhere. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux, or not allowed: the figure then covers the process so far
        }
    }

    /** VmHWM of this process in bytes (0 when unknown). */
    static long peakRss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return 0;
    }

    private static int countJson(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return (int) s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException ignored) {
                    // gone already
                }
            }
        }
    }

    private static ObjectNode host() {
        ObjectNode h = JSON.createObjectNode();
        h.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        h.put("platform", System.getProperty("os.name") + "-" + System.getProperty("os.arch"));
        h.put("cpus", Runtime.getRuntime().availableProcessors());
        h.put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        if (mem != null) {
            h.put("totalMemBytes", Long.parseLong(mem.replaceAll("[^0-9]", "")) * 1024);
        }
        h.putPOJO("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        h.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        try {
            h.putPOJO("loadavgAtStart", Arrays.stream(Files.readString(Path.of("/proc/loadavg")).trim().split(" "))
                    .limit(3).map(Double::parseDouble).toList());
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return h;
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String l : Files.readAllLines(file)) {
                if (l.startsWith(key)) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return null;
    }

    private static String table(ObjectNode doc) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("alchemy-java EndToEnd N=%d (peak RSS %s MiB, %ss)%n", doc.get("n").asInt(),
                doc.path("memory").path("peakRssMiB").asText(), doc.path("elapsedS").asText()));
        sb.append(String.format("%-34s %12s %10s %6s %10s %s%n", "workload", "median ms", "us/unit", "reps",
                "peak MiB", "valid"));
        doc.get("workloads").properties().forEach(e -> {
            var w = e.getValue();
            sb.append(String.format("%-34s %12.1f %10.1f %6d %10.1f %s%n", e.getKey(), w.get("medianMs").asDouble(),
                    w.get("perUnitUs").asDouble(), w.get("reps").asInt(), w.get("peakRssMiB").asDouble(),
                    w.get("valid").asBoolean()));
        });
        return sb.toString();
    }
}
