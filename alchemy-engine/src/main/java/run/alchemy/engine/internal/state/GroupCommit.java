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

/**
 * Appends the run's queued changes to the log in batches (one sync each), then projects each
 * touched record's final bytes into the snapshots and moves the projection mark. So snapshots are
 * never ahead of the log, and a crash loses at most the last unflushed batch. A failed append (a
 * conflict: another run appended) fails the run: its view of the state is stale.
 */
final class GroupCommit {
    private final StageLog log;
    private final StateStore store;
    private final RunWrites writes;
    private final RunJournal journal;
    /** Serialises appends and guards {@link #head}: one batch is in flight at a time. */
    private final Object flushLock = new Object();
    private long head;
    private volatile RuntimeException failure;
    /** Run before every append and queued write; throws when this run may no longer append. */
    private volatile Runnable guard = () -> { };

    GroupCommit(StageLog log, StateStore store, RunWrites writes, RunJournal journal) {
        this.log = log;
        this.store = store;
        this.writes = writes;
        this.journal = journal;
    }

    void guard(Runnable guard) {
        this.guard = guard;
    }

    /** The position the log had when opened, before this run appends. */
    void startAt(long position) {
        synchronized (flushLock) {
            head = position;
        }
    }

    /** Queues a change, flushing when the batch is full. */
    void enqueue(Op op) {
        rethrowFailure();
        if (writes.queue(op)) {
            flush();
        }
    }

    void flush() {
        synchronized (flushLock) {
            rethrowFailure();
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
                store.sync(); // the mark must never be ahead of durable snapshots (a power loss)
                log.markProjected(head);
            } catch (RuntimeException e) {
                failure = e instanceof AlchemyException ? e : new AlchemyException("writing state failed: " + e.getMessage(), e);
                throw failure;
            }
        }
    }

    /** Writes snapshots the log already holds (a rebuild) and marks everything up to the head projected. */
    void restore(List<StateStore.Write> snapshots) {
        synchronized (flushLock) {
            store.writeAll(snapshots);
            store.sync();
            log.markProjected(head);
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

    /** Writes each touched record's final bytes; superseded intermediate writes are skipped. */
    private void project(List<Op> ops) {
        Map<Key, Integer> last = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).effect() == Effect.PROJECT) {
                last.put(ops.get(i).key(), i);
            }
        }
        List<StateStore.Write> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op.effect() == Effect.DELETE_SCOPE) {
                store.writeAll(out); // the scope's records go before the scope
                out.clear();
                store.deleteScope(op.key().chain());
            } else if (op.effect() == Effect.PROJECT && last.get(op.key()) == i) {
                out.add(new StateStore.Write(op.key().chain(), op.key().id(), op.bytes()));
            }
        }
        store.writeAll(out);
    }

    private void rethrowFailure() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        try {
            guard.run();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }
}
