package run.alchemy.cli.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs one deployer's child JVM ({@link SoakChild}) to the end of its runs, reading what it says.
 * Kills it with SIGKILL ({@link Process#destroyForcibly}) at its {@code op} lines, every so many
 * provider calls (random, seeded), and starts it again at its next run: that run's open must
 * repair what the kill left, and take the dead run's lease over once it ran out. Each JVM is an
 * instance, part of its runs' tags: a run the killed JVM began unseen is not run again under its tag. No kill falls on
 * the deployer's last run or past the deadline, so the soak ends with a run that was not killed.
 */
final class Deployer implements Runnable {
    /** What the soak needs of every deployer. */
    record Settings(SoakTarget target, String app, String stage, long seed, int runs, long deadline, int killEvery,
                    long lockTimeoutMs, long leaseMs, long sleepMs) {
    }

    /** What a deployer saw, for the figures. */
    static final class Tally {
        int attempted;
        int succeeded;
        int refused;
        int lockLost;
        int storeFailed;
        int killed;
        /** TAG DIGEST of every run reported done. */
        final List<String> done = new ArrayList<>();
        final List<String> findings = new ArrayList<>();
    }

    private final int k;
    private final Settings s;
    private final Random random;
    final Tally tally = new Tally();

    Deployer(int k, Settings s) {
        this.k = k;
        this.s = s;
        this.random = new Random(s.seed() * 31 + k);
    }

    private int nextKill() {
        return s.killEvery() <= 0 ? Integer.MAX_VALUE : 1 + random.nextInt(2 * s.killEvery());
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (IOException | RuntimeException e) {
            tally.findings.add("deployer " + k + ": the driver failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.findings.add("deployer " + k + ": interrupted");
        }
    }

    private void loop() throws IOException, InterruptedException {
        int from = 0;
        boolean restarted = false;
        int killIn = nextKill();
        Path err = s.target().scratch().resolve("deployer-" + k + ".err");
        for (int instance = 0; ; instance++) {
            Process p = start(instance, from, restarted, err);
            int current = -1;
            boolean killed = false;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("op")) {
                        if (!killed && --killIn <= 0 && current >= 0 && current < s.runs() - 1
                                && System.currentTimeMillis() < s.deadline()) {
                            // The JDK closes the child's streams as it kills it: what it said after this
                            // line is not read (a run it finished meanwhile is done, unreported).
                            p.destroyForcibly();
                            killed = true;
                            break;
                        }
                        continue;
                    }
                    String[] w = line.split(" ", 4);
                    switch (w[0]) {
                        case "begin" -> {
                            current = Integer.parseInt(w[1]);
                            tally.attempted++;
                        }
                        case "ok" -> {
                            tally.succeeded++;
                            tally.done.add(w[2] + " " + w[3]);
                        }
                        case "refused" -> tally.refused++;
                        case "lost" -> tally.lockLost++;
                        case "storefail" -> tally.storeFailed++;
                        case "finding" -> tally.findings.add("deployer " + k + " run " + w[2] + ": " + w[3]
                                + " (stack trace in " + err.getFileName() + ")");
                        default -> { }
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                tally.findings.add("deployer " + k + " did not exit after closing its output");
                return;
            }
            if (killed) {
                tally.killed++;
                killIn = nextKill();
                from = current + 1;
                restarted = true;
                continue;
            }
            if (p.exitValue() != 0) {
                tally.findings.add("deployer " + k + " exited with " + p.exitValue() + " (see " + err + ")");
            }
            return;
        }
    }

    private Process start(int instance, int from, boolean restarted, Path err) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss512k", "-Xmx192m",
                "-cp", System.getProperty("java.class.path"), SoakChild.class.getName()));
        Map<String, String> args = new java.util.LinkedHashMap<>();
        args.put("store", s.target().uri);
        args.put("app", s.app());
        args.put("stage", s.stage());
        args.put("password", "soak-password");
        args.put("deployer", Integer.toString(k));
        args.put("seed", Long.toString(s.seed()));
        args.put("instance", Integer.toString(instance));
        args.put("from", Integer.toString(from));
        args.put("runs", Integer.toString(s.runs()));
        args.put("deadline", Long.toString(s.deadline()));
        args.put("mustRun", Boolean.toString(restarted));
        args.put("lockTimeoutMs", Long.toString(s.lockTimeoutMs()));
        args.put("leaseMs", Long.toString(s.leaseMs()));
        args.put("sleepMs", Long.toString(s.sleepMs()));
        args.forEach((key, v) -> cmd.add(key + "=" + v));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        b.environment().putAll(s.target().environment);
        return b.start();
    }
}
