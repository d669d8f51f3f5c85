package run.alchemy.engine.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.api.Phase;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The one seam through which every state read and write of a run passes: records become bytes
 * (serialize, encrypt) and back. Two implementations: {@link #snapshotsOnly} for a store without an
 * event log (each write goes straight to its snapshot), and {@link #eventSourced}, where every
 * write becomes an event, is appended to the log in a group commit and only then projected into
 * the snapshots.
 *
 * <p>Thread-safe. Every record a run wrote reads back as it wrote it, queued or projected.
 */
public interface StateRepository {

    /** Who is writing, for run events. */
    record RunInfo(String runId, String actor, long pid, Phase phase, String program, Instant started,
                   String message, String commit) {
        /** A run with no message, outside a git checkout (maintenance, tests). */
        public RunInfo(String runId, String actor, long pid, Phase phase, String program, Instant started) {
            this(runId, actor, pid, phase, program, started, null, null);
        }
    }

    /** Snapshots are the only state: each write goes to the store at once. */
    static StateRepository snapshotsOnly(StateStore store, StateSerde serde) {
        return new SnapshotRepository(store, serde);
    }

    /** The log is the truth: writes are appended in batches, then projected into the store. */
    static StateRepository eventSourced(StateStore store, StateSerde serde, StageLog log, RunInfo run) {
        return new EventSourcedRepository(store, serde, log, run);
    }

    StateStore store();

    /** The stage's log, when this repository keeps one. */
    Optional<StageLog> log();

    /**
     * Brings the state up to date before the run reads it: re-projects what an interrupted run
     * left in the log only, and imports state that has no log yet. Returns how many records that
     * touched.
     */
    int open(List<String> stage);

    /** The record, deserialized with secrets opened by {@code codec} (the password of its scope). */
    Optional<ObjectNode> read(List<String> chain, String id, SecretCodec codec);

    /** The records that exist among {@code ids}. */
    Map<String, ObjectNode> readBatch(List<String> chain, Collection<String> ids, SecretCodec codec);

    /** Ids of the records directly in the scope, sorted. */
    List<String> list(List<String> chain);

    /** Names of the child scopes that have a container in the store. */
    List<String> listScopes(List<String> chain);

    /** Where a record lives, for messages. */
    String locate(List<String> chain, String id);

    /**
     * Writes the record; {@code type} names the event it is (ignored without a log). Returns the
     * bytes written, which the caller must not change: {@link #unchangedSince} knows them.
     */
    byte[] write(List<String> chain, String id, ObjectNode record, SecretCodec codec, Type type);

    /**
     * Whether the record still holds the bytes of {@code written} (what {@link #write} returned):
     * nothing wrote or deleted it since, so the tree written is still the record, without a parse.
     */
    default boolean unchangedSince(List<String> chain, String id, byte[] written) {
        return bytes(chain, id).orElse(null) == written; // this run's own write answers, never the store
    }

    void delete(List<String> chain, String id, String kind);

    /** The record's bytes as this run sees them (its own writes first), noticing external changes as a read does. */
    Optional<byte[]> bytes(List<String> chain, String id);

    /**
     * Writes a record from outside a deploy (an import) byte for byte, as an {@code imported} event
     * projected like every other write. Bytes that are no state record are refused, naming {@code source}.
     */
    void importRecord(List<String> chain, String id, byte[] bytes, String source);

    /**
     * An operator's repair of the state ({@code forget}, {@code move}, {@code restore}), which calls no
     * provider: writes the record's bytes as given, or removes it when {@code bytes} is null, as an event
     * of {@code type} naming {@code kind}, projected like every other write (without a log: straight to
     * the store). Bytes that are no state record are refused.
     */
    void repair(Type type, List<String> chain, String id, String kind, byte[] bytes);

    /**
     * Writes the log's own bytes over snapshots that lost them (a rebuild): nothing is appended, the
     * log already holds these records; then every position is marked projected.
     */
    void restore(List<StateStore.Write> writes);

    /** Removes the scope's container once its records are gone. */
    void deleteScope(List<String> chain);

    /**
     * Read-modify-write of one record, serialised against other updates of the same record in
     * this process. {@code change} gets the current record (or null) and returns the new one, or
     * null to write nothing.
     */
    void update(List<String> chain, String id, SecretCodec codec, Type type, UnaryOperator<ObjectNode> change);

    /** Makes every queued write durable in the log and projects it (no-op without a log). */
    void flush();

    /**
     * After the run's last flush: the snapshots made durable, the projection mark moved to the
     * head, and the snapshot index saved for the next open (no-op without a log).
     */
    void saveIndex();

    /** Records the run's end (only for runs that wrote something) and flushes. */
    default void finishRun(boolean succeeded, Map<Action, Integer> counts, int failed) {
        finishRun(succeeded, counts, failed, null);
    }

    /** As {@link #finishRun(boolean, Map, int)}, with why a failed run failed (null: no reason known). */
    void finishRun(boolean succeeded, Map<Action, Integer> counts, int failed, String failure);

    /** The failure that stopped this run's writes (every later write rethrows it), if one did. */
    default Optional<RuntimeException> writeFailure() {
        return Optional.empty();
    }

    /** {@code guard} sees the log as opening read it and is asked before every write; what it throws fails the run. */
    void guardAppends(StageGuard guard);

    /** A record's full name, {@code app/stage/…/id}. */
    static String fqn(List<String> chain, String id) {
        return String.join("/", chain) + "/" + id;
    }

    /** The chain of a child scope. */
    static List<String> child(List<String> chain, String name) {
        List<String> c = new ArrayList<>(chain.size() + 1);
        c.addAll(chain);
        c.add(name);
        return List.copyOf(c);
    }

    /**
     * The ids of every record a stage holds in the store, by scope chain: the stage's own record
     * (in the app's scope), then the stage's scope and every scope below it, one listing each.
     */
    static Map<List<String>, List<String>> recordsOfStage(StateStore store, List<String> stage) {
        List<String> app = List.copyOf(stage.subList(0, stage.size() - 1));
        String stageName = stage.get(stage.size() - 1);
        Map<List<String>, List<String>> scopes = new LinkedHashMap<>();
        if (store.list(app).contains(stageName)) {
            scopes.put(app, List.of(stageName));
        }
        walk(store, List.copyOf(stage), scopes);
        return scopes;
    }

    private static void walk(StateStore store, List<String> chain, Map<List<String>, List<String>> into) {
        StateStore.Contents contents = store.contents(chain);
        into.put(chain, contents.ids());
        for (String child : contents.scopes()) {
            walk(store, child(chain, child), into);
        }
    }
}
