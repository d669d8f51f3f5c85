package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Four child JVMs deploy to the same stage at once (released together from a start line). Each
 * declares its own resources {@code p<k>-r<j>}, so each run deletes the previous run's resources
 * as orphans. With a lock timeout they run one after the other; without one, the losers fail
 * (at open, or at their first write, which takes the lock then) with a
 * {@link run.alchemy.api.StageLockedException} naming the holder, or a
 * {@link run.alchemy.api.StageChangedException} naming the run that wrote meanwhile, and write nothing.
 */
class ConcurrentDeployTest {
    private static final String APP = "concurrent";
    private static final String PASSWORD = "concurrent-password";
    private static final int CHILDREN = 4;
    private static final int RESOURCES = 100;
    private static final Pattern HOLDER = Pattern.compile(
            "stage (\\S+) is locked by run (\\S+) by (\\S+)@(\\S+) \\(pid (\\d+)\\) since \\S+, lock id (\\S+);");
    /** A loser that read before the winner's first write and came to write after the winner's end (rare: a stalled child). */
    private static final Pattern CHANGER = Pattern.compile(
            "stage (\\S+) changed while this run was reading it: .* written by run (\\S+) by (\\S+)@(\\S+), pid (\\d+),");

    @TempDir
    Path dir;

    private record Child(int k, Process process, Path out, Path err) {
        String stderr() {
            return DeployChild.read(err);
        }
    }

    @Test
    void withALockTimeoutAllFourRunOneAfterTheOther() throws Exception {
        long t0 = System.nanoTime();
        Path root = dir.resolve(".alchemy");
        String stage = "waiting";
        List<Child> children = new ArrayList<>();
        try {
            startTogether(root, stage, 60_000, 2, children);
        } finally {
            awaitOrKill(children);
        }
        Map<Long, Integer> childOfPid = new HashMap<>();
        for (Child c : children) {
            assertFalse(c.process.isAlive(), "child " + c.k + " did not end");
            assertEquals(0, c.process.exitValue(), () -> "child " + c.k + " failed:\n" + c.stderr());
            childOfPid.put(c.process.pid(), c.k);
        }

        try (History h = DeployChild.history(root, APP, stage)) {
            List<Event> events = h.events();
            assertDense(events);
            assertEquals(events.size(), h.head());
            List<Run> runs = h.runs();
            assertEquals(CHILDREN, runs.size(), () -> "one run per child: " + runs);
            assertEquals(childOfPid.keySet(), runs.stream().map(Run::pid).collect(Collectors.toSet()),
                    "the runs are the children's");
            long expectedFrom = 1;
            Run previous = null;
            for (Run r : runs) {
                assertEquals(Run.Result.SUCCEEDED, r.result(), () -> "finished: " + r);
                assertEquals(DeployChild.PROGRAM, r.program());
                // [from, to] ranges follow each other without overlap, and hold only the run's own events.
                assertEquals(expectedFrom, r.from(), () -> "runs do not overlap and leave no gap: " + runs);
                assertTrue(events.get((int) r.from() - 1) instanceof RunStarted, () -> r + " begins with RunStarted");
                assertTrue(events.get((int) r.to() - 1) instanceof RunFinished, () -> r + " ends with RunFinished");
                for (long p = r.from(); p <= r.to(); p++) {
                    Event e = events.get((int) p - 1);
                    assertEquals(r.runId(), e.runId(), "event " + p + " interleaves into " + r);
                }
                if (previous != null) {
                    // The lock was held from before RunStarted's time until after RunFinished's.
                    assertFalse(r.started().isBefore(previous.finished()), () -> "runs overlap in time: " + runs);
                }
                expectedFrom = r.to() + 1;
                previous = r;
            }
            assertEquals(events.size(), expectedFrom - 1, "every event belongs to a run");

            // Each run deleted the previous run's resources (orphans) and created its own.
            for (int i = 0; i < runs.size(); i++) {
                Run r = runs.get(i);
                int k = childOfPid.get(r.pid());
                Set<String> deleted = new TreeSet<>();
                Set<String> created = new TreeSet<>();
                for (long p = r.from(); p <= r.to(); p++) {
                    Event e = events.get((int) p - 1);
                    if (e instanceof ResourceEvent d && d.type() == ResourceEvent.Type.DELETED) {
                        deleted.add(d.id());
                    } else if (e instanceof ResourceEvent c && c.type() == ResourceEvent.Type.CREATED) {
                        created.add(c.id());
                    }
                }
                assertEquals(ids(k), created, "run " + i + " (child " + k + ") created its resources");
                assertEquals(RESOURCES, r.created(), "created count of " + r);
                if (i == 0) {
                    assertEquals(Set.of(), deleted, "the first run deletes nothing");
                    assertEquals(0, r.deleted());
                } else {
                    int before = childOfPid.get(runs.get(i - 1).pid());
                    assertEquals(ids(before), deleted, "run " + i + " (child " + k + ") deleted the orphans of child "
                            + before);
                    assertEquals(RESOURCES, r.deleted(), "deleted count of " + r);
                }
            }

            assertConsistent(root, stage, h, childOfPid.get(runs.get(runs.size() - 1).pid()));
            assertTrue(h.lockHolder().isEmpty(), "the lock is released: " + h.lockHolder());
        }
        System.out.printf("ConcurrentDeployTest: %d children with lockTimeout 60 s ran one after the other; %.1f s%n",
                CHILDREN, (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void withoutALockTimeoutTheLosersFailBeforeWritingAndNameTheHolder() throws Exception {
        long t0 = System.nanoTime();
        Path root = dir.resolve(".alchemy");
        String stage = "failing";
        List<Child> children = new ArrayList<>();
        try {
            startTogether(root, stage, 0, 5, children);
        } finally {
            awaitOrKill(children);
        }
        Map<Long, Integer> winners = new HashMap<>();
        Map<Long, String> losers = new HashMap<>();
        for (Child c : children) {
            assertFalse(c.process.isAlive(), "child " + c.k + " did not end");
            int exit = c.process.exitValue();
            if (exit == 0) {
                winners.put(c.process.pid(), c.k);
            } else if (exit == DeployChild.EXIT_LOCKED) {
                losers.put(c.process.pid(), c.stderr());
            } else {
                fail("child " + c.k + " neither succeeded nor lost the lock (exit " + exit + "):\n" + c.stderr());
            }
        }
        assertFalse(winners.isEmpty(), "at least one child succeeds");
        assertFalse(losers.isEmpty(), "released together, the children contend: at least one loses");

        try (History h = DeployChild.history(root, APP, stage)) {
            List<Event> events = h.events();
            assertDense(events);
            List<Run> runs = h.runs();
            Map<String, Run> byId = new LinkedHashMap<>();
            runs.forEach(r -> byId.put(r.runId(), r));
            assertEquals(winners.keySet(), runs.stream().map(Run::pid).collect(Collectors.toSet()),
                    () -> "the log holds exactly the winners' runs, nothing of the losers: " + runs);
            assertEquals(winners.size(), runs.size(), "one run per winner");
            long expectedFrom = 1;
            for (Run r : runs) {
                assertEquals(Run.Result.SUCCEEDED, r.result(), () -> "finished: " + r);
                assertEquals(expectedFrom, r.from(), () -> "runs do not overlap: " + runs);
                for (long p = r.from(); p <= r.to(); p++) {
                    assertEquals(r.runId(), events.get((int) p - 1).runId(), "event " + p + " interleaves into " + r);
                }
                expectedFrom = r.to() + 1;
            }
            assertEquals(events.size(), expectedFrom - 1, "every event belongs to a winner's run");
            for (Event e : events) {
                if (e instanceof RunStarted s) {
                    assertFalse(losers.containsKey(s.pid()), "a loser started a run: " + s);
                }
            }

            String user = System.getProperty("user.name");
            for (Map.Entry<Long, String> loser : losers.entrySet()) {
                String message = loser.getValue();
                Matcher m = HOLDER.matcher(message);
                if (!m.find()) {
                    m = CHANGER.matcher(message);
                    assertTrue(m.find(), "the loser (pid " + loser.getKey() + ") names the holder, or the run that"
                            + " changed the stage: " + message);
                }
                assertEquals(APP + "/" + stage, m.group(1), message);
                Run holder = byId.get(m.group(2));
                assertTrue(holder != null, "the holder's run id " + m.group(2) + " is a winner's run in the log: "
                        + message + "\nruns: " + runs);
                assertEquals(user, m.group(3), "the holder's user: " + message);
                assertFalse(m.group(4).isBlank(), "the holder's host: " + message);
                assertEquals(user + "@" + m.group(4), holder.actor(), "the holder's user@host is its run's actor");
                assertEquals(holder.pid(), Long.parseLong(m.group(5)), "the holder's pid: " + message);
            }

            Run last = runs.get(runs.size() - 1);
            assertConsistent(root, stage, h, winners.get(last.pid()));
            assertTrue(h.lockHolder().isEmpty(), "the lock is released: " + h.lockHolder());
        }
        System.out.printf("ConcurrentDeployTest: %d children with lockTimeout 0: %d succeeded, %d failed with"
                        + " StageLockedException; %.1f s%n", CHILDREN, winners.size(), losers.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** Waits for every child to end (at most five minutes), then kills what is left: no child outlives the test. */
    private static void awaitOrKill(List<Child> children) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        for (Child c : children) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!c.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                c.process.destroyForcibly();
                c.process.waitFor();
            }
        }
    }

    /** Starts the children into {@code children}, waits until each is ready, then releases them together. */
    private void startTogether(Path root, String stage, long lockTimeoutMs, long sleepMs, List<Child> children)
            throws Exception {
        Path go = dir.resolve("go-" + stage);
        for (int k = 0; k < CHILDREN; k++) {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("root", root.toString());
            args.put("app", APP);
            args.put("stage", stage);
            args.put("password", PASSWORD);
            args.put("count", Integer.toString(RESOURCES));
            args.put("prefix", "p" + k + "-");
            args.put("generation", Integer.toString(k));
            args.put("lockTimeoutMs", Long.toString(lockTimeoutMs));
            args.put("sleepMs", Long.toString(sleepMs));
            args.put("go", go.toString());
            Path out = dir.resolve(stage + "-" + k + ".out");
            Path err = dir.resolve(stage + "-" + k + ".err");
            children.add(new Child(k, DeployChild.start(args, out, err), out, err));
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        for (Child c : children) {
            while (!DeployChild.read(c.out).startsWith("ready")) {
                if (!c.process.isAlive()) {
                    fail("child " + c.k + " ended before the start line with exit " + c.process.exitValue() + ":\n"
                            + c.stderr() + DeployChild.read(c.out));
                }
                if (System.nanoTime() > deadline) {
                    fail("child " + c.k + " never got ready");
                }
                Thread.sleep(5);
            }
        }
        Files.createFile(go);
    }

    /** Log and snapshots agree, and the state is exactly child {@code k}'s resources. */
    private static void assertConsistent(Path root, String stage, History h, int k) {
        VerifyReport report = h.verify();
        assertTrue(report.ok(), () -> "snapshots equal the fold: " + report);
        Map<Address, String> fold = h.state();
        Map<Address, String> files = DeployChild.snapshots(root, APP, stage);
        assertEquals(new TreeSet<>(fold.keySet()), new TreeSet<>(files.keySet()));
        assertEquals(fold, files, "the snapshots are the fold of the log");
        Set<Address> expected = new HashSet<>();
        for (String id : ids(k)) {
            expected.add(new Address(List.of(APP, stage), id));
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(fold.keySet()), "the state is the last run's resources");
        for (Map.Entry<Address, String> e : fold.entrySet()) {
            assertTrue(e.getValue().contains("\"status\": \"created\""),
                    () -> e.getKey() + " is created: " + e.getValue());
        }
        // The snapshot the log ends with for each address is the one on disk; no event of a resource is lost.
        Map<Address, String> last = new HashMap<>();
        for (Event e : h.events()) {
            if (e instanceof ResourceEvent r) {
                last.put(new Address(r.chain(), r.id()), r.snapshot());
            }
        }
        last.values().removeIf(v -> v == null);
        assertEquals(fold, new HashMap<>(last));
    }

    private static Set<String> ids(int k) {
        Set<String> ids = new TreeSet<>();
        for (int j = 0; j < RESOURCES; j++) {
            ids.add("p" + k + "-r" + j);
        }
        return ids;
    }

    private static void assertDense(List<Event> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).position() != i + 1) {
                fail("positions are not dense: event " + i + " has position " + events.get(i).position());
            }
        }
    }
}
