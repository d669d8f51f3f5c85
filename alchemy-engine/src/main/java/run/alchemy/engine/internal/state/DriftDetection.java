package run.alchemy.engine.internal.state;

import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.state.RunWrites.Effect;
import run.alchemy.engine.internal.state.RunWrites.Op;
import run.alchemy.engine.internal.state.RunWrites.Written;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Notices snapshots changed or deleted behind the log's back (by hand, or by the TypeScript
 * Alchemy) and adopts them with an external-change event, so that they are never silently
 * overwritten and history and rebuilds agree with what is stored. Only records the run did not
 * write are checked: those it wrote are answered from what it wrote.
 */
final class DriftDetection {
    private final StateStore store;
    private final StateSerde serde;
    private final ProjectionIndex index;
    private final GroupCommit commit;
    private final RunJournal journal;

    DriftDetection(StateStore store, StateSerde serde, ProjectionIndex index, GroupCommit commit, RunJournal journal) {
        this.store = store;
        this.serde = serde;
        this.index = index;
        this.commit = commit;
        this.journal = journal;
    }

    /** {@code stored} as read for {@code key}; adopted when it is not what the log says it should be. */
    Optional<Snapshot> check(Key key, Optional<Snapshot> stored) {
        String want = index.expected(key);
        String have = stored.map(Snapshot::digest).orElse(null);
        if (!Objects.equals(want, have)) {
            adopt(key, stored.map(Snapshot::bytes).orElse(null));
        }
        return stored;
    }

    /**
     * Records the log holds that the listing no longer shows were deleted behind its back: the log
     * adopts the deletion, as it adopts changed snapshots on read.
     */
    void noticeDeletions(List<String> chain, List<String> listed, Map<String, Written> writtenHere) {
        List<String> ids = index.idsIn(chain);
        if (ids == null) {
            return;
        }
        Set<String> present = null;
        for (String id : ids) {
            Key key = new Key(chain, id);
            if (!index.expects(key) || writtenHere.containsKey(id)) {
                continue;
            }
            if (present == null) {
                present = new HashSet<>(listed);
            }
            // A directory listing taken while snapshots are being renamed into place may miss an
            // entry: only a record that is really gone is adopted as deleted.
            if (!present.contains(id) && store.get(chain, id).isEmpty()) {
                adopt(key, null);
            }
        }
    }

    /**
     * Bytes that are no state record are damage, not a change: they are refused with a typed error
     * naming the file, and the log keeps the last good record (a rebuild restores it).
     */
    private void adopt(Key key, byte[] found) {
        if (found != null) {
            RecordCheck.check(serde, found, store.locate(key.chain(), key.id()));
        }
        String text = found == null ? null : new String(found, StandardCharsets.UTF_8);
        String kind = found == null ? "" : journal.kindOf(found);
        commit.enqueue(new Op(key, null, journal.resource(Type.EXTERNAL_CHANGE, key, kind, text), Effect.NONE));
        index.expect(key, found == null ? null : Snapshot.digest(found));
    }
}
