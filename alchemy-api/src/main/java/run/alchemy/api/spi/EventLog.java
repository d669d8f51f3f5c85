package run.alchemy.api.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The append-only log of one stage: the source of truth from which snapshots are projected.
 *
 * <p>Records are opaque bytes (one JSON document each, written by the engine), numbered from 1.
 * {@link #append} is conditional on the head the writer last saw, so two writers can never both
 * take the same position: the loser gets a {@link LogConflictException}. An append is durable
 * (fsync'd, or the medium's equivalent) when it returns; a batch costs one such sync.
 *
 * <p>The log also keeps the stage's lock (a lease with a holder description) and how far the
 * snapshots have been projected. Implementations must be safe for use by several processes.
 */
public interface EventLog extends AutoCloseable {

    /** Position of the last record; 0 when the log is empty. */
    long head();

    /**
     * Appends {@code records} at positions {@code expectedHead + 1 …} and returns the new head.
     *
     * @throws LogConflictException if the head is not {@code expectedHead} (another writer appended)
     */
    long append(long expectedHead, List<byte[]> records);

    /** Calls {@code visitor} with each record after {@code afterPosition}, in order, until it returns false. */
    void read(long afterPosition, RecordVisitor visitor);

    @FunctionalInterface
    interface RecordVisitor {
        boolean visit(long position, byte[] record);
    }

    /** How far snapshots are known to be written; 0 when nothing was projected. */
    long projected();

    /** Records that every record up to {@code position} is reflected in the snapshots. */
    void markProjected(long position);

    /**
     * Tries to take the stage's lock for {@code lease}. Returns empty when taken; otherwise the
     * current holder. A holder whose lease ran out, or whose process is gone on this host, is
     * taken over.
     */
    Optional<LockHolder> tryLock(LockHolder me, Duration lease);

    /** Extends the lease; throws {@link LogConflictException} when the lock is no longer ours. */
    void renew(LockHolder me, Duration lease);

    /** Releases the lock if {@code lockId} holds it (force-unlock: the id must be named). */
    boolean unlock(String lockId);

    /** The current holder, if any (expired or not). */
    Optional<LockHolder> holder();

    /**
     * Replaces every record up to {@code upTo} with {@code checkpoint} (which stands at position
     * {@code upTo}); later records are kept. Positions do not change.
     */
    void compact(long upTo, byte[] checkpoint);

    /**
     * A cache the engine derives from the log (which snapshot each record should hold), so that
     * opening a stage does not read its whole history. It may be lost or stale at any time: the
     * engine stamps it with the position it reflects and falls back to reading the log.
     */
    Optional<byte[]> readIndex();

    /** Replaces the cache; need not be durable. */
    void writeIndex(byte[] index);

    /** Where the log lives, for messages. */
    String describe();

    @Override
    default void close() {
    }
}
