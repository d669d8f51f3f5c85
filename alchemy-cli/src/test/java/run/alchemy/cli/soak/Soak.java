package run.alchemy.cli.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The soak (issue #17, item 4): D deployers, each a child JVM, deploy one app/stage R times each
 * with seeded random programs, taking turns on the stage lock, while the driver SIGKILLs them at
 * random provider calls and (S3, DO) a {@link run.alchemy.testkit.FaultyProxy} drops, fails and
 * delays their requests. At the end {@link SoakCheck} checks the log against what every deployer
 * reported. Run by {@code benchmarks/soak}; {@code SoakTest} runs a short one in the build.
 *
 * <pre>
 * Soak --store fs|s3|do [--deployers 8] [--runs 100] [--minutes M] [--seed S] [--kill-every OPS]
 *      [--fault-rate 0.03] [--out FILE]
 * </pre>
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to run.
     *
     * @param store     fs, s3 or do
     * @param deployers child JVMs
     * @param runs      runs per deployer
     * @param minutes   no run starts after this many minutes (0: no limit)
     * @param seed      the programs', the kills' and the faults' random sequences
     * @param killEvery a kill every 1..2·N provider calls of a deployer, on average N (0: none)
     * @param faultRate the probability that a request to S3 or DO gets a fault
     */
    record Options(String store, int deployers, int runs, double minutes, long seed, int killEvery, double faultRate) {
        static Options parse(String[] argv) {
            Map<String, String> o = new LinkedHashMap<>(Map.of("--store", "fs", "--deployers", "8", "--runs", "100",
                    "--minutes", "0", "--seed", "17", "--kill-every", "120", "--fault-rate", "0.03", "--out", ""));
            for (int i = 0; i < argv.length; i += 2) {
                if (!o.containsKey(argv[i]) || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + argv[i]);
                }
                o.put(argv[i], argv[i + 1]);
            }
            return new Options(o.get("--store"), Integer.parseInt(o.get("--deployers")),
                    Integer.parseInt(o.get("--runs")), Double.parseDouble(o.get("--minutes")),
                    Long.parseLong(o.get("--seed")), Integer.parseInt(o.get("--kill-every")),
                    Double.parseDouble(o.get("--fault-rate")));
        }
    }

    /**
     * The figures and findings of one soak.
     *
     * @param figures  name to value, in a stable order
     * @param findings what went wrong: empty when the soak passed
     */
    record Result(Map<String, Object> figures, List<String> findings) {
        long figure(String name) {
            return ((Number) figures.get(name)).longValue();
        }
    }

    public static void main(String[] argv) throws Exception {
        String out = "";
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--out") && i + 1 < argv.length) {
                out = argv[++i];
            } else {
                rest.add(argv[i]);
            }
        }
        Result r = run(Options.parse(rest.toArray(String[]::new)));
        ObjectNode json = JSON.valueToTree(r.figures());
        json.set("findings", JSON.valueToTree(r.findings()));
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        System.out.println(text);
        if (!out.isEmpty()) {
            Path file = Path.of(out);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text + "\n");
        }
        System.exit(r.findings().isEmpty() ? 0 : 1);
    }

    /** Runs one soak: starts the store, the deployers, the kills and faults; checks at the end. */
    static Result run(Options o) throws Exception {
        long t0 = System.nanoTime();
        String app = "soak";
        String stage = "prod";
        List<String> findings = new ArrayList<>();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("store", o.store());
        f.put("commit", System.getProperty("soak.commit", "unknown"));
        f.put("java", System.getProperty("java.version"));
        f.put("cpus", Runtime.getRuntime().availableProcessors());
        f.put("deployers", o.deployers());
        f.put("runs_per_deployer", o.runs());
        f.put("minutes", o.minutes());
        f.put("seed", o.seed());
        f.put("kill_every_ops", o.killEvery());
        try (SoakTarget target = SoakTarget.start(o.store(), o.seed(), o.store().equals("fs") ? 0 : o.faultRate(), 300)) {
            f.put("fault_rate", target.proxy == null ? 0.0 : o.faultRate());
            long deadline = o.minutes() > 0 ? System.currentTimeMillis() + (long) (o.minutes() * 60_000) : Long.MAX_VALUE;
            // Lease 4 s: a killed run's lock is taken over within seconds. The lock timeout is long:
            // deployers wait their turn behind up to D-1 others and behind dead leases.
            Deployer.Settings s = new Deployer.Settings(target, app, stage, o.seed(), o.runs(), deadline, o.killEvery(),
                    600_000, 4_000, 3);
            List<Deployer> deployers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < o.deployers(); k++) {
                Deployer d = new Deployer(k, s);
                deployers.add(d);
                Thread t = new Thread(d, "deployer-" + k);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            long deployed = System.nanoTime();
            long faults = target.faults();
            Map<String, Long> byKind = target.faultsByKind();
            int attempted = 0;
            int succeeded = 0;
            int refused = 0;
            int lost = 0;
            int storeFailed = 0;
            int kills = 0;
            List<String> done = new ArrayList<>();
            for (Deployer d : deployers) {
                attempted += d.tally.attempted;
                succeeded += d.tally.succeeded;
                refused += d.tally.refused;
                lost += d.tally.lockLost;
                storeFailed += d.tally.storeFailed;
                kills += d.tally.killed;
                done.addAll(d.tally.done);
                findings.addAll(d.tally.findings);
            }
            f.put("runs_attempted", attempted);
            f.put("runs_succeeded", succeeded);
            f.put("runs_refused_lock", refused);
            f.put("runs_lost_lease", lost);
            f.put("runs_failed_store", storeFailed);
            f.put("kills", kills);
            f.put("faults_injected", faults);
            f.put("faults_by_kind", byKind);
            // A run that failed on the store ran out of retries on at least one fault; the rest were survived.
            f.put("faults_survived_at_least", Math.max(0, faults - storeFailed - lost));
            f.put("deploy_seconds", Math.round((deployed - t0) / 1e8) / 10.0);
            check(target, app, stage, done, f, findings);
            if (!findings.isEmpty()) {
                // the deployers' stack traces, before the scratch folder goes
                for (int k = 0; k < o.deployers(); k++) {
                    Path err = target.scratch().resolve("deployer-" + k + ".err");
                    if (Files.exists(err)) {
                        System.err.println("---- deployer " + k + " stderr\n" + Files.readString(err));
                    }
                }
            }
        }
        f.put("findings_count", findings.size());
        f.put("wall_seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        return new Result(f, findings);
    }

    /** Runs {@link SoakCheck} in a JVM with the deployers' environment, on the store past the proxy. */
    private static void check(SoakTarget target, String app, String stage, List<String> done, Map<String, Object> f,
                              List<String> findings) throws Exception {
        Path file = target.scratch().resolve("done.txt");
        Files.write(file, done);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                SoakCheck.class.getName(), "store=" + target.directUri, "app=" + app, "stage=" + stage,
                "done=" + file);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().putAll(target.environment);
        Process p = b.start();
        List<String> other = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("figure ")) {
                    String[] w = line.split(" ");
                    f.put("check_" + w[1], Long.parseLong(w[2]));
                } else if (line.startsWith("finding ")) {
                    findings.add("check: " + line.substring("finding ".length()));
                } else {
                    other.add(line);
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            findings.add("check: the check failed: " + String.join("\n", other));
        }
    }

    private Soak() {
    }
}
