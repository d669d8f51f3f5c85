package run.alchemy.engine.internal.state;

import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.state.RunWrites.Effect;
import run.alchemy.engine.internal.state.RunWrites.Op;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opening a stage: reads the log after what the index and the snapshots already reflect, rebuilds
 * the expected snapshot of every record, re-projects what the snapshots miss (a crash between
 * append and projection), and, when the log is new, imports the stage's existing state.
 */
final class Recovery {
    private final StageLog log;
    private final StateStore store;
    private final StateSerde serde;
    private final ProjectionIndex index;
    private final GroupCommit commit;
    private final RunJournal journal;

    Recovery(StageLog log, StateStore store, StateSerde serde, ProjectionIndex index, GroupCommit commit,
             RunJournal journal) {
        this.log = log;
        this.store = store;
        this.serde = serde;
        this.index = index;
        this.commit = commit;
        this.journal = journal;
    }

    /** Returns the number of records re-projected or imported. */
    int open(List<String> stage) {
        StageLog.Opening opening = log.open();
        commit.guard().opened(opening);
        long projected = opening.projected();
        long logHead = opening.head();
        long indexed = index.load(opening.index(), logHead);
        long from = Math.min(indexed, projected);
        if (from >= logHead) {
            // The index and the snapshots are current: nothing in the log is newer (a no-op redeploy).
            commit.startAt(indexed);
            if (projected != indexed) {
                commit.checkGuard();
                log.markProjected(indexed);
            }
            return indexed == 0 ? importExisting(stage) : 0;
        }
        Map<Key, String> latest = new LinkedHashMap<>();
        Map<Key, String> toProject = new LinkedHashMap<>();
        long[] last = {indexed};
        log.read(from, (position, bytes) -> {
            Event e = EventCodec.decode(position, bytes, log.describe());
            last[0] = Math.max(last[0], position);
            if (e instanceof Checkpoint c && position > indexed) {
                latest.clear();
                index.clear();
                c.snapshots().forEach((k, v) -> {
                    Map.Entry<List<String>, String> parsed = EventCodec.parseKey(k);
                    latest.put(new Key(parsed.getKey(), parsed.getValue()), v);
                });
            } else if (e instanceof ResourceEvent r) {
                Key key = new Key(r.chain(), r.id());
                if (position > indexed) {
                    latest.put(key, r.snapshot());
                }
                if (position > projected) {
                    toProject.put(key, r.snapshot());
                }
            }
            return true;
        });
        long head = last[0];
        commit.startAt(head);
        latest.forEach((k, v) -> index.expect(k, v == null ? null : Snapshot.digest(v.getBytes(StandardCharsets.UTF_8))));
        if (!toProject.isEmpty() || projected != head) {
            commit.checkGuard(); // a repair is a write: under the stage lock
            List<StateStore.Write> writes = new ArrayList<>();
            toProject.forEach((k, snapshot) -> writes.add(new StateStore.Write(k.chain(), k.id(),
                    snapshot == null ? null : snapshot.getBytes(StandardCharsets.UTF_8))));
            store.writeAll(writes);
            store.sync(); // the mark must never be ahead of durable snapshots (a power loss)
            log.markProjected(head);
        }
        return head == 0 ? toProject.size() + importExisting(stage) : toProject.size();
    }

    /** Adopts state written without a log (by Alchemy, or before the log existed): one event per record. */
    private int importExisting(List<String> stage) {
        int imported = 0;
        for (Map.Entry<List<String>, List<String>> scope : StateRepository.recordsOfStage(store, stage).entrySet()) {
            for (Map.Entry<String, byte[]> found : store.getBatch(scope.getKey(), scope.getValue()).entrySet()) {
                Key k = new Key(scope.getKey(), found.getKey());
                byte[] bytes = found.getValue();
                if (!isRecord(k, bytes)) {
                    continue; // left out of the log: a read reports it, verify lists it as damaged
                }
                commit.enqueue(new Op(k, null, journal.resource(Type.IMPORTED, k, journal.kindOf(bytes),
                        new String(bytes, StandardCharsets.UTF_8)), Effect.NONE));
                index.expect(k, Snapshot.digest(bytes));
                imported++;
            }
        }
        commit.flush();
        return imported;
    }

    private boolean isRecord(Key k, byte[] bytes) {
        try {
            RecordCheck.check(serde, bytes, store.locate(k.chain(), k.id()));
            return true;
        } catch (StateCorruptedException e) {
            return false;
        }
    }
}
