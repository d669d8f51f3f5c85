package run.alchemy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.Phase;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.state.StateRepository;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.log.StageLog;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A stage's history, read from its event log: every event, each resource's history, the runs,
 * the state as of any position or time (a pure fold of the log), verification of the snapshots
 * against the fold, rebuilding them, diffs, compaction and export. Opened with
 * {@link Stage#history()}; reading takes no lock, while {@link #rebuild()} and
 * {@link #compact()} take the stage lock.
 */
public final class History implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> stage;
    private final StateStore store;
    private final StageLog log;
    private final LockTaker lockTaker;

    /** Takes the stage lock for maintenance and returns what releases it. */
    interface LockTaker {
        Held lock(StageLog log);
    }

    /** A held lock. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    History(List<String> stage, StateStore store, StageLog log, LockTaker lockTaker) {
        this.stage = List.copyOf(stage);
        this.store = store;
        this.log = log;
        this.lockTaker = lockTaker;
    }

    /** Every event from the start (after compaction: from the checkpoint). */
    public List<Event> events() {
        return eventsWhile(e -> true);
    }

    private List<Event> eventsWhile(Predicate<Event> keepGoing) {
        List<Event> out = new ArrayList<>();
        log.read(0, (position, bytes) -> {
            Event e = EventCodec.decode(position, bytes, log.describe());
            if (!keepGoing.test(e)) {
                return false;
            }
            out.add(e);
            return true;
        });
        return out;
    }

    public long head() {
        return log.head();
    }

    /** The events of one record, oldest first. */
    public List<ResourceEvent> of(Address address) {
        List<ResourceEvent> out = new ArrayList<>();
        for (Event e : events()) {
            if (e instanceof ResourceEvent r && r.chain().equals(address.chain()) && r.id().equals(address.id())) {
                out.add(r);
            }
        }
        return out;
    }

    /** The runs that wrote to the stage, oldest first (no-op runs write nothing and do not appear). */
    public List<Run> runs() {
        return runs(events());
    }

    /** The runs that {@code events} (a log's, oldest first) tell of, oldest first. */
    static List<Run> runs(List<Event> events) {
        Map<String, Run> runs = new LinkedHashMap<>();
        for (Event e : events) {
            Run r = runs.get(e.runId());
            if (e instanceof RunStarted s) {
                runs.put(s.runId(), new Run(s.runId(), s.actor(), s.pid(), s.phase(), s.program(), s.time(), null,
                        Run.Result.UNFINISHED, 0, 0, 0, 0, s.position(), s.position()));
            } else if (e instanceof RunFinished f && r != null) {
                runs.put(f.runId(), new Run(r.runId(), r.actor(), r.pid(), r.phase(), r.program(), r.started(),
                        f.time(), f.succeeded() ? Run.Result.SUCCEEDED : Run.Result.FAILED, f.created(), f.updated(),
                        f.replaced(), f.deleted(), r.from(), f.position()));
            } else if (r != null) {
                runs.put(r.runId(), new Run(r.runId(), r.actor(), r.pid(), r.phase(), r.program(), r.started(),
                        r.finished(), r.result(), r.created(), r.updated(), r.replaced(), r.deleted(), r.from(),
                        e.position()));
            }
        }
        return new ArrayList<>(runs.values());
    }

    /** Every record's JSON text as of {@code position} (inclusive): the fold of the log up to there. */
    public Map<Address, String> stateAt(long position) {
        return fold(e -> e.position() <= position);
    }

    /** Every record's JSON text as of {@code time} (events at or before it). */
    public Map<Address, String> stateAt(Instant time) {
        return fold(e -> !e.time().isAfter(time));
    }

    /** The current state according to the log. */
    public Map<Address, String> state() {
        return fold(e -> true);
    }

    private Map<Address, String> fold(Predicate<Event> upTo) {
        Map<Address, String> state = new TreeMap<>();
        for (Event e : eventsWhile(upTo)) {
            apply(state, e);
        }
        return state;
    }

    static void apply(Map<Address, String> state, Event e) {
        if (e instanceof Checkpoint c) {
            state.clear();
            c.snapshots().forEach((key, snapshot) -> {
                Map.Entry<List<String>, String> k = EventCodec.parseKey(key);
                state.put(new Address(k.getKey(), k.getValue()), snapshot);
            });
        } else if (e instanceof ResourceEvent r) {
            Address a = new Address(r.chain(), r.id());
            if (r.snapshot() == null) {
                state.remove(a);
            } else {
                state.put(a, r.snapshot());
            }
        }
    }

    /**
     * Compares the snapshots in the store with the fold of the log, and says for each record that
     * differs whether it is behind the log (changed past the projection mark), changed outside the
     * log, or damaged (not a state record).
     */
    public VerifyReport verify() {
        return Verification.of(store, log, stage, events()).report();
    }

    /**
     * Restores every snapshot from the log through the engine's write path, under the stage lock:
     * the stage is opened as a run opens it (what an interrupted run left past the projection mark
     * is projected), then records changed outside the log or damaged get the log's bytes back.
     * Records the log never knew (untracked) are left alone. Nothing is appended. Returns how many
     * records were written.
     */
    public int rebuild() {
        try (Held held = lockTaker.lock(log)) {
            Verification found = Verification.of(store, log, stage, events());
            StateRepository repo = StateRepository.eventSourced(store, new StateSerde(), log, new StateRepository.RunInfo(
                    "rebuild-" + UUID.randomUUID(), System.getProperty("user.name", "unknown") + "@" + LockHolder.localHost(),
                    ProcessHandle.current().pid(), Phase.UP, "rebuild", Instant.now()));
            repo.open(stage);
            List<StateStore.Write> writes = new ArrayList<>();
            int behind = 0;
            for (VerifyReport.Finding f : found.report().findings()) {
                if (f.kind() == VerifyReport.Kind.BEHIND) {
                    behind++;
                } else if (f.difference() != VerifyReport.Difference.UNTRACKED) {
                    String snapshot = found.folded().get(f.address());
                    writes.add(new StateStore.Write(f.address().chain(), f.address().id(),
                            snapshot.getBytes(StandardCharsets.UTF_8)));
                }
            }
            repo.restore(writes);
            return behind + writes.size();
        }
    }

    /**
     * What changed between two positions, as JSON pointers into each record. Secrets are only
     * said to be added, removed or changed, never shown.
     */
    public List<Change> diff(long from, long to) {
        return changes(stateAt(from), stateAt(to));
    }

    /**
     * What changed from one state of a stage to another (records' JSON texts by address), as JSON
     * pointers, records in address order; secrets only said to be added, removed or changed. What
     * {@link #diff} and {@link Stage#restore} report.
     */
    static List<Change> changes(Map<Address, String> before, Map<Address, String> after) {
        TreeSet<Address> all = new TreeSet<>(before.keySet());
        all.addAll(after.keySet());
        List<Change> changes = new ArrayList<>();
        for (Address a : all) {
            JsonNode b = parse(before.get(a));
            JsonNode c = parse(after.get(a));
            if (b == null) {
                changes.add(new Change(a, "", Change.Kind.ADDED, false, null, "<record>"));
            } else if (c == null) {
                changes.add(new Change(a, "", Change.Kind.REMOVED, false, "<record>", null));
            } else {
                compare(a, "", b, c, changes);
            }
        }
        return changes;
    }

    private static JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isSecret(JsonNode n) {
        return n != null && n.isObject() && n.has("@secret");
    }

    static void compare(Address a, String pointer, JsonNode b, JsonNode c, List<Change> out) {
        if (b.equals(c)) {
            return;
        }
        if (isSecret(b) || isSecret(c)) {
            out.add(new Change(a, pointer, Change.Kind.CHANGED, true, null, null));
            return;
        }
        if (b.isObject() && c.isObject()) {
            Set<String> keys = new java.util.LinkedHashSet<>();
            b.fieldNames().forEachRemaining(keys::add);
            c.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                String p = pointer + "/" + k.replace("~", "~0").replace("/", "~1");
                JsonNode x = b.get(k);
                JsonNode y = c.get(k);
                if (x == null) {
                    out.add(new Change(a, p, Change.Kind.ADDED, isSecret(y), null, isSecret(y) ? null : y.toString()));
                } else if (y == null) {
                    out.add(new Change(a, p, Change.Kind.REMOVED, isSecret(x), isSecret(x) ? null : x.toString(), null));
                } else {
                    compare(a, p, x, y, out);
                }
            }
            return;
        }
        if (b.isArray() && c.isArray() && b.size() == c.size()) {
            for (int i = 0; i < b.size(); i++) {
                compare(a, pointer + "/" + i, b.get(i), c.get(i), out);
            }
            return;
        }
        out.add(new Change(a, pointer, Change.Kind.CHANGED, false, b.toString(), c.toString()));
    }

    /**
     * Folds the whole log into one checkpoint: it is appended (standing for the state at the head)
     * and every record before it is dropped. Snapshots are not touched. Returns the checkpoint's
     * position (0: the log is empty, nothing to fold).
     */
    public long compact() {
        try (Held held = lockTaker.lock(log)) {
            long head = log.head();
            if (head == 0) {
                return 0;
            }
            Map<String, String> snapshots = new LinkedHashMap<>();
            stateAt(head).forEach((a, s) -> snapshots.put(EventCodec.key(a.chain(), a.id()), s));
            return log.compact(head, EventCodec.encode(new Checkpoint(head + 1, Instant.now(), "compaction", snapshots)));
        }
    }

    /** Writes the whole log as JSON lines (each event with its position), for archiving. */
    public void export(OutputStream out) {
        log.read(0, (position, bytes) -> {
            try {
                out.write(("{\"position\":" + position + ",\"event\":").getBytes(StandardCharsets.UTF_8));
                out.write(bytes);
                out.write("}\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        });
    }

    /** Who holds the stage lock, if anyone. */
    public Optional<LockHolder> lockHolder() {
        return log.holder();
    }

    /** Force-unlock, as Terraform's: releases the lock only if {@code lockId} is the one holding it. */
    public boolean forceUnlock(String lockId) {
        return log.unlock(lockId);
    }

    @Override
    public void close() {
        try {
            log.close();
        } finally {
            store.close();
        }
    }

}
