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
 * {@link Stage#history()}; it holds the stage's store open until {@link #close()}.
 *
 * <p>Each call reads the log afresh from the store (the whole log, for most of them), so it sees
 * what runs appended since. Reading takes no lock and writes nothing. {@link #rebuild()} and
 * {@link #compact()} take the stage lock, waiting up to the stage's {@link Stage#lockTimeout}
 * (else a {@link run.alchemy.api.StageLockedException} naming the holder); that lock is not
 * renewed, so it lasts at most the stage's {@link Stage#lease}. After a {@link #compact()}, the
 * store may drop any of the events before its checkpoint (the file-system store drops them all):
 * what the methods below tell of the time before it is then partial or empty.
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

    /**
     * Every event the log holds, oldest first.
     *
     * @return the events from the first position, or after a compaction those the store kept
     *         before its checkpoint (a {@link Checkpoint}, standing for every record) and the rest
     */
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

    /**
     * Where the log ends now.
     *
     * @return the position of the log's last event; 0 when the log is empty
     */
    public long head() {
        return log.head();
    }

    /**
     * The events of one record, oldest first.
     *
     * @param address the record's chain and id
     * @return its events (after a compaction, only those the store kept); empty when the log has none
     */
    public List<ResourceEvent> of(Address address) {
        List<ResourceEvent> out = new ArrayList<>();
        for (Event e : events()) {
            if (e instanceof ResourceEvent r && r.chain().equals(address.chain()) && r.id().equals(address.id())) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The runs that wrote to the stage, oldest first: deploys, destroys, imports and rotations (a
     * no-op run appends nothing and does not appear). A run whose start the store no longer holds
     * (it came before a compaction) does not appear either.
     *
     * @return each run as its events tell it; one still going, or that crashed, is
     *         {@link Run.Result#UNFINISHED}
     */
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

    /**
     * Every record's JSON text as of {@code position}: the fold of the log up to there.
     *
     * @param position a log position, inclusive (0: before the first event)
     * @return each record's stored text (secrets in their envelopes), in address order; for a
     *         position before a compaction's checkpoint, the fold of what the store kept of the
     *         events before it (empty or partial)
     */
    public Map<Address, String> stateAt(long position) {
        return fold(e -> e.position() <= position);
    }

    /**
     * Every record's JSON text as of {@code time}: the fold of the log's events up to the first
     * one written after it.
     *
     * @param time an instant, inclusive
     * @return each record's stored text (secrets in their envelopes), in address order
     */
    public Map<Address, String> stateAt(Instant time) {
        return fold(e -> !e.time().isAfter(time));
    }

    /**
     * The current state according to the log: the fold of every event, whatever the snapshots hold.
     *
     * @return each record's stored text (secrets in their envelopes), in address order
     */
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
     * log, or damaged (not a state record). Reads the log, the projection mark and every
     * snapshot of the stage; writes nothing.
     *
     * @return the findings, empty when the snapshots hold exactly what the log says
     */
    public VerifyReport verify() {
        return Verification.of(store, log, stage, events()).report();
    }

    /**
     * Restores every snapshot from the log through the engine's write path, under the stage lock:
     * the stage is opened as a run opens it (what an interrupted run left past the projection mark
     * is projected), then records changed outside the log or damaged get the log's bytes back, and
     * the projection mark is moved to the head. Records the log never knew (untracked) are left
     * alone, and nothing is appended, with one exception: when the log is empty and the store holds
     * state (written by the TypeScript Alchemy, say), opening imports it as {@code imported}
     * events, as the first run on such a stage does.
     *
     * @return how many records were projected or restored (records imported are not counted)
     * @throws run.alchemy.api.StageLockedException if another run holds the stage past the lock timeout
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
     *
     * @param from the earlier log position, inclusive (0: the empty state)
     * @param to   the later log position, inclusive ({@link #head()}: the current state)
     * @return the changes, record by record in address order; empty when the states are equal
     * @throws UncheckedIOException if a record in the log is not JSON (adopted by a version of the
     *                              engine that did not yet refuse damaged snapshots)
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
     * Folds the whole log into one checkpoint, under the stage lock: it is appended (standing for
     * the state at the head) and the records before it are dropped, so the runs and events before
     * it may be gone from the history (the store drops what it can). The projection mark moves past
     * the checkpoint when the snapshots were current. Snapshots are not touched. Export the log
     * first to keep it.
     *
     * @return the checkpoint's position; 0 when the log is empty and there is nothing to fold
     * @throws run.alchemy.api.StageLockedException if another run holds the stage past the lock timeout
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

    /**
     * Writes the whole log as JSON lines, for archiving: one
     * {@code {"position":N,"event":{…}}} line per event, oldest first, each event as stored.
     *
     * @param out where the lines go; neither flushed nor closed here
     * @throws UncheckedIOException if writing to {@code out} fails
     */
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

    /**
     * Who holds the stage lock, if anyone, as stored: the holder may be expired (the next run takes
     * it over) or damaged ({@link LockHolder#isDamaged()}).
     *
     * @return the holder of the newest lease; empty when the lock is free or was never taken
     */
    public Optional<LockHolder> lockHolder() {
        return log.holder();
    }

    /**
     * Force-unlock, as Terraform's: releases the lock only if {@code lockId} is the one holding it.
     * Takes no lock itself. A run still going under that lock loses it at its next renewal and
     * stops writing.
     *
     * @param lockId the holder's {@link LockHolder#lockId()} (for a damaged lease, the name of its
     *               stored object, as {@link #lockHolder()} reports it)
     * @return true when the lock was released; false when {@code lockId} does not hold it
     */
    public boolean forceUnlock(String lockId) {
        return log.unlock(lockId);
    }

    /** Closes the log and the store (a store given to the stage as an instance too). */
    @Override
    public void close() {
        try {
            log.close();
        } finally {
            store.close();
        }
    }

}
