package run.alchemy.engine.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.state.RunWrites.Effect;
import run.alchemy.engine.internal.state.RunWrites.Op;
import run.alchemy.engine.internal.state.RunWrites.Written;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * State whose truth is the stage's event log. A write is queued in {@link RunWrites} (visible to
 * reads at once), appended with the other queued writes by {@link GroupCommit}, and only then
 * projected into the snapshots; {@link Recovery} repairs what a crash left between the two;
 * reads of records the run did not write come from {@link ReadAhead} through
 * {@link DriftDetection}, against the hashes of {@link ProjectionIndex}.
 */
final class EventSourcedRepository extends RecordAccess {
    private final StageLog log;
    private final RunJournal journal;
    private final RunWrites writes = new RunWrites();
    private final ProjectionIndex index = new ProjectionIndex();
    private final ReadAhead readAhead;
    private final GroupCommit commit;
    private final DriftDetection drift;
    private final Recovery recovery;

    EventSourcedRepository(StateStore store, StateSerde serde, StageLog log, RunInfo run) {
        super(store, serde);
        this.log = log;
        this.journal = new RunJournal(run, serde);
        this.readAhead = new ReadAhead(store, serde, true, index);
        this.commit = new GroupCommit(log, store, writes, journal, index);
        this.drift = new DriftDetection(store, serde, index, commit, journal);
        this.recovery = new Recovery(log, store, serde, index, commit, journal);
    }

    @Override
    public Optional<StageLog> log() {
        return Optional.of(log);
    }

    @Override
    public int open(List<String> stage) {
        return recovery.open(stage);
    }

    @Override
    public Optional<ObjectNode> read(List<String> chain, String id, SecretCodec codec) {
        return snapshot(new Key(chain, id), codec).map(s -> serde.readRecord(s.bytes(), s.takeParsed(), () -> store.locate(chain, id), codec));
    }

    @Override
    public Map<String, ObjectNode> readBatch(List<String> chain, Collection<String> ids, SecretCodec codec) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (String id : ids) {
            read(chain, id, codec).ifPresent(r -> out.put(id, r));
        }
        return out;
    }

    /** The record as the run sees it; {@code codec} (or null) opens the secrets of the scope's records read ahead. */
    private Optional<Snapshot> snapshot(Key key, SecretCodec codec) {
        Written own = writes.written(key);
        if (own != null) {
            return Optional.ofNullable(own.bytes()).map(Snapshot::of);
        }
        return drift.check(key, readAhead.stored(key, codec));
    }

    @Override
    public List<String> list(List<String> chain) {
        List<String> ids = readAhead.ids(chain);
        Map<String, Written> writtenHere = writes.writtenIn(chain);
        drift.noticeDeletions(chain, ids, writtenHere);
        if (writtenHere.isEmpty()) {
            return ids;
        }
        TreeSet<String> merged = new TreeSet<>(ids);
        writtenHere.forEach((id, own) -> {
            if (own.bytes() == null) {
                merged.remove(id);
            } else {
                merged.add(id);
            }
        });
        return new ArrayList<>(merged);
    }

    @Override
    public byte[] write(List<String> chain, String id, ObjectNode record, SecretCodec codec, Type type) {
        byte[] bytes = serialize(chain, id, record, codec);
        Key key = new Key(chain, id);
        String text = new String(bytes, StandardCharsets.UTF_8);
        commit.enqueue(new Op(key, bytes, journal.resource(type, key, record.path("kind").asText(""), text), Effect.PROJECT));
        index.expect(key, Snapshot.digest(bytes));
        return bytes;
    }

    @Override
    public void delete(List<String> chain, String id, String kind) {
        Key key = new Key(chain, id);
        commit.enqueue(new Op(key, null, journal.resource(Type.DELETED, key, kind, null), Effect.PROJECT));
        index.expect(key, null);
    }

    @Override
    public Optional<byte[]> bytes(List<String> chain, String id) {
        return snapshot(new Key(chain, id), null).map(Snapshot::bytes);
    }

    @Override
    public void importRecord(List<String> chain, String id, byte[] bytes, String source) {
        RecordCheck.check(serde, bytes, source + " (" + StateRepository.fqn(chain, id) + ")");
        Key key = new Key(chain, id);
        commit.enqueue(new Op(key, bytes, journal.resource(Type.IMPORTED, key, journal.kindOf(bytes),
                new String(bytes, StandardCharsets.UTF_8)), Effect.PROJECT));
        index.expect(key, Snapshot.digest(bytes));
    }

    @Override
    public void repair(Type type, List<String> chain, String id, String kind, byte[] bytes) {
        Key key = new Key(chain, id);
        if (bytes != null) {
            RecordCheck.check(serde, bytes, store.locate(chain, id));
        }
        commit.enqueue(new Op(key, bytes, journal.resource(type, key, kind,
                bytes == null ? null : new String(bytes, StandardCharsets.UTF_8)), Effect.PROJECT));
        index.expect(key, bytes == null ? null : Snapshot.digest(bytes));
    }

    @Override
    public void restore(List<StateStore.Write> writes) {
        commit.restore(writes);
    }

    @Override
    public void deleteScope(List<String> chain) {
        if (readAhead.knownWithoutContainer(chain) && !writes.wroteWithin(chain)) {
            return; // nothing to remove: spares a destroy a store call per resource (a stat each on the file system)
        }
        commit.enqueue(new Op(new Key(chain, ""), null, null, Effect.DELETE_SCOPE));
    }

    @Override
    public void flush() {
        commit.flush();
    }

    @Override
    public void saveIndex() {
        commit.settle();
        commit.whileIdle(head -> index.save(log, head));
    }

    @Override
    public void finishRun(boolean succeeded, Map<Action, Integer> counts, int failed, String failure) {
        commit.flush();
        if (journal.started()) {
            commit.enqueue(new Op(null, null, journal.finished(succeeded, counts, failed, failure), Effect.NONE));
            commit.flush();
        }
        commit.settle();
    }

    @Override
    public Optional<RuntimeException> writeFailure() {
        return commit.failure();
    }

    @Override
    public void guardAppends(StageGuard guard) {
        commit.guard(guard);
    }
}
