package run.alchemy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.store.fs.internal.FileSystemLogStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Child JVMs deploy (or destroy) 500 resources and are killed with SIGKILL at random moments —
 * before they open the stage, while they write, after they finished. After every kill the event
 * log must open (a torn last line cut, nothing else), decode densely, and no snapshot may be
 * ahead of it; then the same program, run again, must complete and leave snapshots equal to the
 * fold of the log.
 *
 * <p>Two lanes run side by side on their own stages. Each lane cycles through a fresh stage:
 * create (generation 0), two updates (every resource's props change), destroy — a kill of each,
 * each followed by an unkilled rerun. Every third rerun first finds half a line appended to the
 * log (a torn write, which SIGKILL itself hardly ever leaves) and must cut it. The counts are
 * printed; {@code -Dcrash.kills=N} and {@code -Dcrash.seed=S} change the number of kills and the
 * seed of the kill moments (which are spread over spans measured on unkilled runs).
 */
class CrashSafetyTest {
    private static final String APP = "crash";
    private static final String PASSWORD = "crash-password";
    private static final int RESOURCES = 500;
    private static final int KILLS = Integer.getInteger("crash.kills", 50);
    private static final int LANES = 2;
    private static final long SEED = Long.getLong("crash.seed", 20_240_611L);
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Kind { CREATE, UPDATE, DESTROY }

    private static final Kind[] CYCLE = {Kind.CREATE, Kind.UPDATE, Kind.UPDATE, Kind.DESTROY};

    @TempDir
    Path dir;
    private Path root;

    /** How long runs of each kind take until the first resource is done, and to end, as measured (unkilled runs). */
    private record Span(long firstMs, long totalMs) {
        Span mean(Span o) {
            return new Span((firstMs + o.firstMs) / 2, (totalMs + o.totalMs) / 2);
        }
    }

    private final Map<Kind, Span> spans = new ConcurrentHashMap<>();
    private final AtomicInteger kills = new AtomicInteger();
    private final Map<Kind, AtomicInteger> killsOf = new EnumMap<>(Kind.class);
    private final AtomicInteger before = new AtomicInteger();
    private final AtomicInteger mid = new AtomicInteger();
    private final AtomicInteger after = new AtomicInteger();
    private final AtomicInteger torn = new AtomicInteger();
    private final AtomicInteger behind = new AtomicInteger();
    private final AtomicInteger tempLeft = new AtomicInteger();
    private final AtomicInteger logTempLeft = new AtomicInteger();
    private final AtomicInteger staleLeases = new AtomicInteger();
    private final AtomicInteger planted = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong checkNanos = new java.util.concurrent.atomic.AtomicLong();
    /** Children not yet ended: killed when the test ends, whatever happened. */
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    @Test
    void killedRunsNeverLeaveSnapshotsAheadOfTheLogAndARerunCompletes() throws Exception {
        long t0 = System.nanoTime();
        root = dir.resolve(".alchemy");
        for (Kind k : Kind.values()) {
            killsOf.put(k, new AtomicInteger());
        }
        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        try {
            // One unkilled deploy per lane, side by side as the kills will run: when to kill.
            List<Future<Span>> calibrations = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                int l = lane;
                calibrations.add(lanes.submit(() -> watchedRun(l, "calibrate-" + l, Kind.CREATE, 0)));
            }
            Span calibrated = null;
            for (Future<Span> f : calibrations) {
                Span s = get(f);
                calibrated = calibrated == null ? s : calibrated.mean(s);
            }
            for (Kind k : Kind.values()) {
                spans.put(k, calibrated);
            }
            System.out.println("CrashSafetyTest: an unkilled deploy of " + RESOURCES + " resources did its first"
                    + " after " + calibrated.firstMs() + " ms and ended after " + calibrated.totalMs() + " ms");

            List<Future<?>> work = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                int l = lane;
                int n = KILLS / LANES + (lane < KILLS % LANES ? 1 : 0);
                work.add(lanes.submit(() -> {
                    lane(l, n);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                get(f);
            }
        } finally {
            lanes.shutdownNow();
            lanes.awaitTermination(1, TimeUnit.MINUTES);
            for (Process p : live) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("CrashSafetyTest: %d kills (%d of creates, %d of updates, %d of destroys), seed %d:"
                        + " %d before the run wrote anything, %d mid-run (log head after the kill between the head"
                        + " before and the run's end), %d after the run finished; %d torn tails cut on open;"
                        + " %d kills left snapshots behind the log (re-projected by the rerun); %d torn tails planted"
                        + " before a rerun (cut by it);"
                        + " %d stale leases left (taken over by the reruns); temporary files left: %d snapshot, %d in"
                        + " log directories; spans at the end %s; %.1f s (%.1f s of it in the parent's checks, summed"
                        + " over lanes)%n",
                kills.get(), killsOf.get(Kind.CREATE).get(), killsOf.get(Kind.UPDATE).get(),
                killsOf.get(Kind.DESTROY).get(), SEED, before.get(), mid.get(), after.get(), torn.get(),
                behind.get(), planted.get(), staleLeases.get(), tempLeft.get(), logTempLeft.get(), new EnumMap<>(spans),
                seconds, checkNanos.get() / 1e9);
        assertEquals(KILLS, kills.get());
        assertTrue(mid.get() > 0, "no kill landed while a run was writing: the kill moments missed the runs");
    }

    private static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            if (e.getCause() instanceof Error x) {
                throw x;
            }
            throw e;
        }
    }

    private void lane(int lane, int iterations) throws Exception {
        Random random = new Random(SEED + lane);
        String stage = null;
        int gen = 0;
        long head = 0;
        Set<String> unfinished = new HashSet<>();
        for (int i = 0; i < iterations; i++) {
            Kind kind = CYCLE[i % CYCLE.length];
            if (i % CYCLE.length == 0) {
                stage = "lane" + lane + "-cycle" + (i / CYCLE.length);
                gen = 0;
                head = 0;
                unfinished.clear();
            } else if (kind == Kind.UPDATE) {
                gen++;
            }
            String where = "lane " + lane + ", iteration " + i + " (" + kind + " of " + stage + ", generation "
                    + gen + ")";
            Path out = dir.resolve("lane" + lane + ".out");
            Path err = dir.resolve("lane" + lane + ".err");
            Process child = start(args(stage, kind, gen), out, err);
            boolean exited = awaitKillMoment(child, out, random, spans.get(kind));
            if (!exited) {
                child.destroyForcibly(); // SIGKILL on Linux
                assertTrue(child.waitFor(1, TimeUnit.MINUTES), where + ": the killed child did not end");
            }
            int exit = child.exitValue();
            if (exit != 0 && exit != 137) {
                fail(where + ": the child failed on its own with exit " + exit + ":\n" + DeployChild.read(err)
                        + DeployChild.read(out));
            }
            kills.incrementAndGet();
            killsOf.get(kind).incrementAndGet();
            long c0 = System.nanoTime();
            Killed killed = afterKill(where, stage, head, child.pid(), unfinished);
            checkNanos.addAndGet(System.nanoTime() - c0);

            if (i % 3 == 1) {
                plantTornTail(stage); // what a kill inside write(2) leaves, which SIGKILL rarely achieves
            }
            Span rerun = watchedRun(lane, stage, kind, gen);
            if (killed.wroteNothing()) {
                spans.merge(kind, rerun, Span::mean); // a whole run: how long runs of this kind take
            }
            c0 = System.nanoTime();
            head = afterRerun(where, stage, kind, gen, killed.head(), unfinished);
            checkNanos.addAndGet(System.nanoTime() - c0);
        }
    }

    private Process start(Map<String, String> args, Path out, Path err) throws IOException {
        Process p = DeployChild.start(args, out, err);
        live.add(p);
        p.onExit().thenRun(() -> live.remove(p));
        return p;
    }

    /** Appends the first half of the log's last line, without its newline: a torn write the rerun must cut. */
    private void plantTornTail(String stage) throws IOException {
        List<Path> segments = segments(DeployChild.logDir(root, APP, stage).resolve("log"));
        if (segments.isEmpty()) {
            return;
        }
        Path last = segments.get(segments.size() - 1);
        byte[] bytes = Files.readAllBytes(last);
        if (bytes.length < 2) {
            return;
        }
        int start = bytes.length - 2;
        while (start >= 0 && bytes[start] != '\n') {
            start--;
        }
        start++;
        int half = (bytes.length - 1 - start) / 2;
        Files.write(last, java.util.Arrays.copyOfRange(bytes, start, start + half),
                java.nio.file.StandardOpenOption.APPEND);
        planted.incrementAndGet();
    }

    /**
     * Waits for the moment to kill, spread over the run: 15 % at a random time before the first
     * resource is usually done, 75 % at a random time after the child said its first resource is
     * done (within the usual rest of the run), 10 % once it ended by itself. Returns whether it ended.
     */
    private static boolean awaitKillMoment(Process child, Path out, Random random, Span span) throws Exception {
        double u = random.nextDouble();
        if (u < 0.15) {
            return child.waitFor(Math.max(1, (long) (random.nextDouble() * span.firstMs())), TimeUnit.MILLISECONDS);
        }
        if (u >= 0.90) {
            return child.waitFor(5, TimeUnit.MINUTES);
        }
        long rest = Math.max(1, (long) (random.nextDouble() * (span.totalMs() - span.firstMs())));
        while (Files.size(out) == 0) { // "working" is its first line
            if (child.waitFor(2, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return child.waitFor(rest, TimeUnit.MILLISECONDS);
    }

    private Map<String, String> args(String stage, Kind kind, int gen) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("root", root.toString());
        args.put("app", APP);
        args.put("stage", stage);
        args.put("password", PASSWORD);
        args.put("phase", kind == Kind.DESTROY ? "destroy" : "up");
        args.put("count", Integer.toString(RESOURCES));
        args.put("generation", Integer.toString(gen));
        return args;
    }

    /** Runs the program unkilled; it must succeed. Returns when its first resource was done and when it ended. */
    private Span watchedRun(int lane, String stage, Kind kind, int gen) throws Exception {
        Path out = dir.resolve("lane" + lane + "-rerun.out");
        Path err = dir.resolve("lane" + lane + "-rerun.err");
        long start = System.nanoTime();
        Process p = start(args(stage, kind, gen), out, err);
        long first = -1;
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        while (!p.waitFor(5, TimeUnit.MILLISECONDS)) {
            if (first < 0 && Files.size(out) > 0) { // "working" is its first line
                first = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("the " + kind + " run of " + stage + " did not end");
            }
        }
        long ended = System.nanoTime();
        assertEquals(0, p.exitValue(), () -> "the " + kind + " run of " + stage + " (generation " + gen + ") failed:\n"
                + DeployChild.read(err) + DeployChild.read(out));
        return new Span(((first < 0 ? ended : first) - start) / 1_000_000, (ended - start) / 1_000_000);
    }

    /** What a kill left: the log's head, and whether the killed child wrote anything. */
    private record Killed(long head, boolean wroteNothing) {
    }

    private Killed afterKill(String where, String stage, long preHead, long pid, Set<String> unfinished)
            throws IOException {
        Path logDir = DeployChild.logDir(root, APP, stage);
        // (a) Opening the log cuts a torn last line, and only that.
        List<Path> segments = segments(logDir.resolve("log"));
        Path last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        long sizeBefore = 0;
        long complete = 0;
        if (last != null) {
            byte[] bytes = Files.readAllBytes(last);
            sizeBefore = bytes.length;
            int nl = bytes.length - 1;
            while (nl >= 0 && bytes[nl] != '\n') {
                nl--;
            }
            complete = nl + 1;
        }
        long logHead;
        try (FileSystemLogStore log = new FileSystemLogStore(logDir)) {
            logHead = log.head();
        }
        if (last != null) {
            long sizeAfter = Files.exists(last) ? Files.size(last) : 0;
            assertEquals(complete, sizeAfter, where + ": opening the log must cut exactly the torn last line of "
                    + last);
            if (sizeAfter != sizeBefore) {
                torn.incrementAndGet();
            }
        }

        List<Event> events;
        try (History h = DeployChild.history(root, APP, stage)) {
            events = h.events(); // every record decodes
        }
        assertDense(where + ", after the kill", events);
        assertNoAdoption(where, events);
        assertEquals(logHead, events.size(), where + ": the head is the last position");
        assertTrue(events.size() >= preHead, where + ": the log lost events: head " + events.size() + " < " + preHead);

        List<RunSpan> runs = runs(events);
        List<RunSpan> mine = runs.stream().filter(r -> r.pid == pid).toList();
        assertTrue(mine.size() <= 1, where + ": one child, one run: " + mine);
        boolean wroteNothing = mine.isEmpty();
        if (wroteNothing) {
            assertEquals(preHead, events.size(), where + ": the killed child wrote events outside a run");
            before.incrementAndGet();
        } else {
            RunSpan run = mine.get(0);
            assertEquals(preHead + 1, run.from, where + ": the killed run starts right after the previous head");
            assertEquals(events.size(), run.to, where + ": the killed run is the last in the log");
            if (run.succeeded == null) {
                mid.incrementAndGet();
                unfinished.add(run.runId);
            } else {
                assertEquals(Boolean.TRUE, run.succeeded, where + ": " + run);
                after.incrementAndGet();
            }
        }
        assertUnfinished(where, runs, unfinished);

        // (b) Snapshots are never ahead of the log: each one is a snapshot the log recorded for its address.
        Map<Address, Set<String>> logged = new HashMap<>();
        Map<Address, String> fold = new HashMap<>();
        for (Event e : events) {
            if (e instanceof ResourceEvent r) {
                Address a = new Address(r.chain(), r.id());
                if (r.snapshot() != null) {
                    logged.computeIfAbsent(a, x -> new HashSet<>()).add(r.snapshot());
                    fold.put(a, r.snapshot());
                } else {
                    fold.remove(a);
                }
            } else if (e instanceof Checkpoint c) {
                fail(where + ": nothing compacts in this test, yet there is a checkpoint at " + c.position());
            }
        }
        Map<Address, String> files = DeployChild.snapshots(root, APP, stage);
        for (Map.Entry<Address, String> file : files.entrySet()) {
            Set<String> texts = logged.get(file.getKey());
            assertNotNull(texts, where + ": a snapshot of " + file.getKey() + " exists, but the log never mentions it");
            assertTrue(texts.contains(file.getValue()), where + ": the snapshot of " + file.getKey()
                    + " is none of the " + texts.size() + " snapshots the log holds for it (ahead of the log?):\n"
                    + file.getValue());
        }
        if (!fold.equals(files)) {
            behind.incrementAndGet();
        }
        tempLeft.addAndGet((int) DeployChild.tempFiles(root, APP, stage));
        if (Files.isDirectory(logDir)) { // a child killed before its first write made no log
            try (Stream<Path> walk = Files.walk(logDir)) {
                logTempLeft.addAndGet((int) walk.filter(f -> f.getFileName().toString().endsWith(".tmp")).count());
            }
        }
        try (StageLog log = new StageLog(new FileSystemLogStore(logDir), java.time.InstantSource.system())) {
            if (log.holder().isPresent()) {
                staleLeases.incrementAndGet(); // the rerun (lock timeout zero) must take it over: its holder is dead
            }
        }
        return new Killed(events.size(), wroteNothing);
    }

    private long afterRerun(String where, String stage, Kind kind, int gen, long headBefore, Set<String> unfinished) {
        List<Event> events;
        VerifyReport report;
        Map<Address, String> fold;
        try (History h = DeployChild.history(root, APP, stage)) {
            events = h.events();
            report = h.verify();
            fold = h.state();
        }
        // (c) The rerun completed everything: the snapshots equal the fold of the log.
        assertDense(where + ", after the rerun", events);
        assertNoAdoption(where + ", after the rerun", events);
        assertTrue(report.ok(), () -> where + ": after the rerun the snapshots differ from the log: " + report);
        Map<Address, String> files = DeployChild.snapshots(root, APP, stage);
        assertEquals(new TreeSet<>(fold.keySet()), new TreeSet<>(files.keySet()), where + ": addresses of the fold"
                + " and of the snapshots");
        for (Map.Entry<Address, String> e : fold.entrySet()) {
            assertEquals(e.getValue(), files.get(e.getKey()), where + ": snapshot of " + e.getKey());
        }
        List<RunSpan> runs = runs(events);
        assertUnfinished(where + ", after the rerun", runs, unfinished);
        if (events.size() > headBefore) {
            RunSpan rerun = runs.get(runs.size() - 1);
            assertEquals(Boolean.TRUE, rerun.succeeded, where + ": the rerun " + rerun);
            assertEquals(headBefore + 1, rerun.from, where + ": the rerun's events follow the head");
            assertEquals(events.size(), rerun.to, where + ": the rerun ends the log");
            assertTrue(events.get(events.size() - 1) instanceof RunFinished, where + ": the log ends with RunFinished");
        }
        if (kind == Kind.DESTROY) {
            assertTrue(fold.isEmpty(), where + ": a destroyed stage has no records: " + fold.keySet());
            return events.size();
        }
        Set<Address> expected = new TreeSet<>();
        for (int j = 0; j < RESOURCES; j++) {
            expected.add(new Address(List.of(APP, stage), "r" + j));
        }
        assertEquals(expected, new TreeSet<>(fold.keySet()), where + ": the records are the program's");
        for (Map.Entry<Address, String> e : fold.entrySet()) {
            JsonNode record = parse(e.getValue());
            int j = Integer.parseInt(e.getKey().id().substring(1));
            String status = record.path("status").asText();
            assertTrue(status.equals("created") || status.equals("updated"), where + ": " + e.getKey()
                    + " has status " + status);
            assertEquals(DeployChild.KIND, record.path("kind").asText(), where + ": kind of " + e.getKey());
            assertEquals(gen, record.path("props").path("generation").asInt(-1), where + ": props of " + e.getKey());
            assertEquals(gen, record.path("output").path("generation").asInt(-1), where + ": output of " + e.getKey());
            assertEquals(j % 5 == 0, record.path("props").path("token").has("@secret"),
                    where + ": the secret of " + e.getKey());
            assertTrue(!e.getValue().contains("token-" + j + "-"), where + ": a plaintext secret in " + e.getKey());
        }
        return events.size();
    }

    /** A run as its events tell it; succeeded null while unfinished. */
    private static final class RunSpan {
        String runId;
        long pid;
        long from;
        long to;
        Boolean succeeded;

        @Override
        public String toString() {
            return "run " + runId + " (pid " + pid + ") [" + from + ", " + to + "] " + (succeeded == null ? "unfinished"
                    : succeeded ? "succeeded" : "failed");
        }
    }

    private static List<RunSpan> runs(List<Event> events) {
        Map<String, RunSpan> runs = new LinkedHashMap<>();
        for (Event e : events) {
            RunSpan r = runs.get(e.runId());
            if (e instanceof RunStarted s) {
                assertNull(r, "run " + s.runId() + " starts twice");
                r = new RunSpan();
                r.runId = s.runId();
                r.pid = s.pid();
                r.from = s.position();
                runs.put(r.runId, r);
            }
            assertNotNull(r, "event " + e.position() + " belongs to no started run: " + e.runId());
            assertNull(r.succeeded, "event " + e.position() + " follows the end of its run " + e.runId());
            r.to = e.position();
            if (e instanceof RunFinished f) {
                r.succeeded = f.succeeded();
            }
        }
        return new ArrayList<>(runs.values());
    }

    private static void assertUnfinished(String where, List<RunSpan> runs, Set<String> unfinished) {
        Set<String> found = runs.stream().filter(r -> r.succeeded == null).map(r -> r.runId).collect(Collectors.toSet());
        assertEquals(unfinished, found, where + ": the unfinished runs are exactly the killed ones");
        for (RunSpan r : runs) {
            if (r.succeeded != null) {
                assertEquals(Boolean.TRUE, r.succeeded, where + ": " + r);
            }
        }
    }

    /** Nothing but the runs touches the snapshots: a crash must not look like an edit behind the log's back. */
    private static void assertNoAdoption(String where, List<Event> events) {
        for (Event e : events) {
            if (e instanceof ResourceEvent r
                    && (r.type() == ResourceEvent.Type.EXTERNAL_CHANGE || r.type() == ResourceEvent.Type.IMPORTED)) {
                fail(where + ": a run adopted a snapshot as changed outside the log (after a kill?): " + e);
            }
        }
    }

    private static void assertDense(String where, List<Event> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).position() != i + 1) {
                fail(where + ": positions are not dense: event " + i + " has position " + events.get(i).position());
            }
        }
    }

    private static List<Path> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
