package run.alchemy.engine.internal.state;

import run.alchemy.api.event.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the run wrote, in one place: the batch of changes queued for the next group commit, and
 * each record's latest bytes. Both change together under {@link #lock}, so a read never sees a
 * write that is queued but not yet answerable, and the latest entry is never dropped: it answers
 * every later read and listing of its record, queued or projected, and store or read-ahead bytes
 * answer only for records the run never wrote.
 */
final class RunWrites {
    /** A group commit appends at most this many changes at once. */
    static final int BATCH_LIMIT = 1024;

    /** What a queued change does to the snapshots once its batch is in the log. */
    enum Effect { PROJECT, NONE, DELETE_SCOPE }

    /** A queued change: new bytes (null: delete) and the event for it, or a scope-container cleanup. */
    record Op(Key key, byte[] bytes, Event event, Effect effect) {
    }

    /** A record as this run last wrote it; {@code bytes} null when it deleted it. */
    record Written(byte[] bytes) {
    }

    /** Guards {@link #batch} and every replacement in {@link #written}. */
    private final Object lock = new Object();
    private List<Op> batch = new ArrayList<>();
    private final Map<List<String>, Map<String, Written>> written = new ConcurrentHashMap<>();
    /** Each chain the run wrote a record in and each chain above one: the scopes whose containers its writes made. */
    private final Set<List<String>> containing = ConcurrentHashMap.newKeySet();

    /** Queues {@code op}; returns whether the batch is full and should be flushed now. */
    boolean queue(Op op) {
        synchronized (lock) {
            batch.add(op);
            if (op.effect() == Effect.PROJECT) {
                written.computeIfAbsent(op.key().chain(), this::firstWriteIn)
                        .put(op.key().id(), new Written(op.bytes()));
            }
            return batch.size() >= BATCH_LIMIT;
        }
    }

    private Map<String, Written> firstWriteIn(List<String> chain) {
        for (int i = 1; i <= chain.size(); i++) {
            containing.add(List.copyOf(chain.subList(0, i)));
        }
        return new ConcurrentHashMap<>();
    }

    /** Whether the run wrote a record in the scope or below it (and so may have made its container). */
    boolean wroteWithin(List<String> chain) {
        return containing.contains(chain);
    }

    /** Takes the queued batch (empty when nothing is queued). */
    List<Op> take() {
        synchronized (lock) {
            List<Op> taken = batch;
            batch = new ArrayList<>();
            return taken;
        }
    }

    boolean nothingQueued() {
        synchronized (lock) {
            return batch.isEmpty();
        }
    }

    /** The record as the run last wrote it, or null when the run never wrote it. */
    Written written(Key key) {
        Map<String, Written> inChain = written.get(key.chain());
        return inChain == null ? null : inChain.get(key.id());
    }

    /** Every record the run wrote in the scope, by id (a live view). */
    Map<String, Written> writtenIn(List<String> chain) {
        return written.getOrDefault(chain, Map.of());
    }
}
