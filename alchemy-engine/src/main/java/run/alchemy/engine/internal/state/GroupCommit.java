package run.alchemy.engine.internal.state;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.event.Event;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.state.RunWrites.Effect;
import run.alchemy.engine.internal.state.RunWrites.Op;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Appends the run's queued changes to the log in batches (one sync each), then projects each
 * touched record's final bytes into the snapshots and moves the projection mark. So snapshots are
 * never ahead of the log, and a crash loses at most the unflushed batches. A failed append (a
 * conflict: another run appended) fails the run: its view of the state is stale.
 *
 * <p>Appending and projecting are two stages. A batch that fills while the program runs is
 * appended by the program's thread, which then goes on; its projection is left to the background
 * flush (or to the next full flush), so that the program's work overlaps the snapshots' writes
 * instead of waiting for them: on the file system those are a rename or an unlink per record, a
 * journal operation each. Reads never wait for a projection: {@link RunWrites} answers for every
 * record the run wrote. At most {@link #BACKLOG_LIMIT} appended batches wait for projection; past
 * that the program's thread projects them itself.
 */
final class GroupCommit {
    /**
     * How often the projection mark moves during a run. Moving it costs a sync of every snapshot
     * written since (an fsync a file): done every batch, that doubled a cold deploy. A mark that
     * lags only means a crash re-projects a few more records on the next open.
     */
    private static final long MARK_EVERY_NANOS = 100_000_000;
    /** Appended batches that may wait for projection before an append projects them itself. */
    static final int BACKLOG_LIMIT = 2;

    /** An appended batch not yet projected, and the log's head after it. */
    private record Appended(List<Op> ops, long head) {
    }

    private final StageLog log;
    private final StateStore store;
    private final RunWrites writes;
    private final RunJournal journal;
    /** Told the version each projected record got, where the store names it. */
    private final ReadAhead.KnownBodies known;
    /** Serialises appends and guards {@link #head} and {@link #appended}: one batch is appended at a time. */
    private final Object appendLock = new Object();
    /** Serialises projections, in the order of the appends, and guards {@link #projected}. */
    private final Object projectLock = new Object();
    /**
     * Serialises moves of the projection mark and guards {@link #marked} and {@link #markedAtNanos}.
     * Apart from {@link #projectLock}: a move syncs the snapshots first (on the file system a
     * syncfs, which waits for every dirty page of the file system), and projections must go on
     * meanwhile, else the program's thread, projecting a backlog, waits for the disk.
     */
    private final Object markLock = new Object();
    private long head;
    private final Deque<Appended> appended = new ArrayDeque<>();
    /** The head after the last projected batch. */
    private long projected;
    /** The position the projection mark was last moved to (by this run, or as found at open). */
    private long marked;
    private long markedAtNanos = System.nanoTime();
    private volatile RuntimeException failure;
    /** Asked before every append, projection and queued write; throws when this run may not write. */
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
        synchronized (markLock) {
            synchronized (projectLock) {
                synchronized (appendLock) {
                    head = position;
                    projected = position;
                    marked = position;
                }
            }
        }
    }

    /** Queues a change; a full batch is appended at once and projected later. */
    void enqueue(Op op) {
        rethrowFailure();
        checkGuard();
        if (writes.queue(op)) {
            append();
            boolean backlogged;
            synchronized (appendLock) {
                backlogged = appended.size() > BACKLOG_LIMIT;
            }
            if (backlogged) {
                project();
            }
        }
    }

    /** Appends what is queued, projects every appended batch, and moves the mark when it is due. */
    void flush() {
        append();
        project();
        mark(false);
    }

    private void append() {
        synchronized (appendLock) {
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
                appended.add(new Appended(ops, head));
            } catch (LogConflictException e) {
                throw fail(guard.appendRefused(e));
            } catch (RuntimeException e) {
                throw fail(e);
            }
        }
    }

    /** Projects the appended batches in order. */
    private void project() {
        synchronized (projectLock) {
            while (true) {
                rethrowFailure();
                Appended next;
                synchronized (appendLock) {
                    next = appended.poll();
                }
                if (next == null) {
                    return;
                }
                checkGuard();
                try {
                    project(next.ops());
                    projected = next.head();
                } catch (RuntimeException e) {
                    throw fail(e);
                }
            }
        }
    }

    private RuntimeException fail(RuntimeException e) {
        failure = e instanceof AlchemyException ? e : new AlchemyException("writing state failed: " + e.getMessage(), e);
        return failure;
    }

    /** Projects what is appended and moves the projection mark to the head when it lags (at the end of a run). */
    void settle() {
        if (failure != null) {
            return;
        }
        project();
        mark(true);
    }

    /**
     * Moves the mark to what is projected, if it lags and {@code always} or {@link #MARK_EVERY_NANOS}
     * passed since it last moved: the snapshots written so far made durable first, then the mark
     * moved, so that it is never ahead of them after a power loss. Batches projected during the
     * sync wait for the next move.
     */
    private void mark(boolean always) {
        synchronized (markLock) {
            if (failure != null || !always && System.nanoTime() - markedAtNanos < MARK_EVERY_NANOS) {
                return;
            }
            long upTo;
            synchronized (projectLock) {
                upTo = projected;
            }
            if (upTo == marked) {
                return;
            }
            try {
                store.sync();
                log.markProjected(upTo);
            } catch (RuntimeException e) {
                throw fail(e);
            }
            marked = upTo;
            markedAtNanos = System.nanoTime();
        }
    }

    /** Writes snapshots the log already holds (a rebuild) and marks everything up to the head projected. */
    void restore(List<StateStore.Write> snapshots) {
        flush();
        synchronized (projectLock) {
            store.writeAll(snapshots);
        }
        mark(true);
    }

    /** Runs {@code action} with the head as of the last append, while nothing is queued or waits for projection. */
    void whileIdle(java.util.function.LongConsumer action) {
        synchronized (projectLock) {
            synchronized (appendLock) {
                if (failure == null && writes.nothingQueued() && appended.isEmpty()) {
                    action.accept(head);
                }
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
                known.observed(new Key(w.chain(), w.id()), versions.get(i), w.json(), Snapshot.digest(w.json()));
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
