package run.alchemy.engine.internal.state;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.event.Event;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.state.RunWrites.Effect;
import run.alchemy.engine.internal.state.RunWrites.Op;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Appends the run's queued changes to the log in batches (one sync each), then projects each
 * touched record's final bytes into the snapshots and moves the projection mark. So snapshots are
 * never ahead of the log, and a crash loses at most the last unflushed batch. A failed append (a
 * conflict: another run appended) fails the run: its view of the state is stale.
 */
final class GroupCommit {
    /**
     * How often the projection mark moves during a run. Moving it costs a sync of every snapshot
     * written since (an fsync a file): done every batch, that doubled a cold deploy. A mark that
     * lags only means a crash re-projects a few more records on the next open.
     */
    private static final long MARK_EVERY_NANOS = 100_000_000;

    private final StageLog log;
    private final StateStore store;
    private final RunWrites writes;
    private final RunJournal journal;
    /** Told the version each projected record got, where the store names it. */
    private final ReadAhead.KnownBodies known;
    /** Serialises appends and guards {@link #head}: one batch is in flight at a time. */
    private final Object flushLock = new Object();
    private long head;
    /** The position the projection mark was last moved to (by this run, or as found at open). */
    private long marked;
    private long markedAtNanos = System.nanoTime();
    private volatile RuntimeException failure;
    /** Asked before every append and queued write; throws when this run may not write. */
    private volatile StageGuard guard = StageGuard.NONE;

    GroupCommit(StageLog log, StateStore store, RunWrites writes, RunJournal journal, ReadAhead.KnownBodies known) {
        this.log = log;
        this.store = store;
        this.writes = writes;
        this.journal = journal;
        this.known = known;
    }

    void guard(StageGuard guard) {
        this.guard = guard;
    }

    StageGuard guard() {
        return guard;
    }

    /** The position the log had when opened, before this run appends. */
    void startAt(long position) {
        synchronized (flushLock) {
            head = position;
            marked = position;
        }
    }

    /** Queues a change, flushing when the batch is full. */
    void enqueue(Op op) {
        rethrowFailure();
        checkGuard();
        if (writes.queue(op)) {
            flush();
        }
    }

    void flush() {
        synchronized (flushLock) {
            rethrowFailure();
            if (writes.nothingQueued()) {
                return; // the background flush of a run that writes nothing takes no lock
            }
            checkGuard();
            List<Op> ops = writes.take();
            if (ops.isEmpty()) {
                return;
            }
            List<byte[]> lines = new ArrayList<>(ops.size() + 1);
            Event start = journal.startIfFirst();
            if (start != null) {
                lines.add(EventCodec.encode(start));
            }
            for (Op op : ops) {
                if (op.event() != null) {
                    lines.add(EventCodec.encode(op.event()));
                }
            }
            try {
                head = log.append(head, lines);
                journal.appended();
                project(ops);
                if (System.nanoTime() - markedAtNanos >= MARK_EVERY_NANOS) {
                    mark();
                }
            } catch (RuntimeException e) {
                failure = e instanceof AlchemyException ? e : new AlchemyException("writing state failed: " + e.getMessage(), e);
                throw failure;
            }
        }
    }

    /** Moves the projection mark to the head when it lags (at the end of a run). */
    void settle() {
        synchronized (flushLock) {
            if (failure == null && marked != head) {
                try {
                    mark();
                } catch (RuntimeException e) {
                    failure = e instanceof AlchemyException ? e : new AlchemyException("writing state failed: " + e.getMessage(), e);
                    throw failure;
                }
            }
        }
    }

    /** Under {@link #flushLock}: the snapshots made durable, then the mark moved (never ahead of them after a power loss). */
    private void mark() {
        store.sync();
        log.markProjected(head);
        marked = head;
        markedAtNanos = System.nanoTime();
    }

    /** Writes snapshots the log already holds (a rebuild) and marks everything up to the head projected. */
    void restore(List<StateStore.Write> snapshots) {
        synchronized (flushLock) {
            store.writeAll(snapshots);
            mark();
        }
    }

    /** Runs {@code action} with the head as of the last append, while no batch is in flight. */
    void whileIdle(java.util.function.LongConsumer action) {
        synchronized (flushLock) {
            if (failure == null && writes.nothingQueued()) {
                action.accept(head);
            }
        }
    }

    /**
     * Writes each touched record's final bytes in one {@code writeAll} (superseded intermediate
     * writes skipped), then removes the scopes the batch emptied. A scope's removal leaves it alone
     * if it still holds records, so it can wait for the whole batch: writing before each removal
     * made a destroy one write request per record on a remote store.
     */
    private void project(List<Op> ops) {
        Map<Key, Integer> last = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).effect() == Effect.PROJECT) {
                last.put(ops.get(i).key(), i);
            }
        }
        List<StateStore.Write> out = new ArrayList<>();
        List<List<String>> emptied = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op.effect() == Effect.DELETE_SCOPE) {
                emptied.add(op.key().chain());
            } else if (op.effect() == Effect.PROJECT && last.get(op.key()) == i) {
                out.add(new StateStore.Write(op.key().chain(), op.key().id(), op.bytes()));
            }
        }
        List<String> versions = store.writeAllVersioned(out);
        for (int i = 0; i < out.size(); i++) {
            StateStore.Write w = out.get(i);
            if (w.json() != null && versions.get(i) != null) {
                known.observed(new Key(w.chain(), w.id()), versions.get(i), w.json(), Snapshot.sha256(w.json()));
            }
        }
        emptied.forEach(store::deleteScope);
    }

    Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    private void rethrowFailure() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /** Asks the guard before a write: queued, appended, or a repair at open; a refusal fails the run. */
    void checkGuard() {
        try {
            guard.beforeWrite();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }
}
