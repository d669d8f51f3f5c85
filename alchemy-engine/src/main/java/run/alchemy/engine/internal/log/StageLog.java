package run.alchemy.engine.internal.log;

import run.alchemy.api.event.RunStarted;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stage's event log as the engine uses it, built on a store's {@link LogStore} primitives the
 * same way for every store:
 *
 * <ul>
 *   <li><b>Records</b>: appends are conditional on the head the writer last saw. That is the
 *       fencing: a run that lost its lease (it stalled and was taken over) cannot append once the
 *       new holder has appended anything, whatever it believes about its lease.</li>
 *   <li><b>The lease</b> ({@link LeaseChain}): control objects {@code lock/<generation>}.</li>
 *   <li><b>The projection mark</b>: control object {@code projected}, the position up to which the
 *       snapshots are known to hold the log, as decimal text (a second line, written by older S3
 *       logs, is ignored). Missing or unreadable, it reads as 0: that only costs a full re-projection.
 *       The engine moves it only after the snapshots it covers were made durable.</li>
 *   <li><b>The index</b>: control object {@code index}, a cache of the snapshot hashes as of a
 *       position (and, on stores that list versions, of the projected bytes by version), which may
 *       be lost or stale at any time (the engine stamps and checks it).</li>
 *   <li><b>Compaction</b>: a checkpoint record is appended, then the records below it are dropped.</li>
 * </ul>
 *
 * The file-system store keeps control objects as files beside the log's segments, so a stage
 * written before this layout keeps its mark and index ({@code projected}, {@code index}).
 */
public final class StageLog implements AutoCloseable {
    static final String PROJECTED = "projected";
    static final String INDEX = "index";

    private final LogStore store;
    private final LeaseChain lease;

    /** The log in {@code store}; the lease reads time from {@code clock}. */
    public StageLog(LogStore store, InstantSource clock) {
        this.store = store;
        this.lease = new LeaseChain(store, clock);
    }

    /** Position of the last record; 0 when the log is empty. */
    public long head() {
        return store.head();
    }

    /** See {@link LogStore#append}: refused with a conflict when the head moved. */
    public long append(long expectedHead, List<byte[]> records) {
        return store.append(expectedHead, records);
    }

    public void read(long afterPosition, LogStore.RecordVisitor visitor) {
        store.read(afterPosition, visitor);
    }

    /**
     * What opening the stage reads, from one {@link LogStore#view}: the head, the projection mark,
     * the index cache, and the holder of the lease when it is one that {@link #tryLock} would not
     * take over now (empty when the lock is free, expired, damaged or its process is gone).
     */
    public record Opening(long head, long projected, Optional<byte[]> index, Optional<LockHolder> heldBy) {
    }

    /** Reads the log's state for opening the stage; writes nothing. */
    public Opening open() {
        LogStore.View view = store.view("");
        Map<String, LogStore.Control> controls = view.controls();
        return new Opening(view.head(), projected(Optional.ofNullable(controls.get(PROJECTED))),
                Optional.ofNullable(controls.get(INDEX)).map(LogStore.Control::bytes), lease.blockingHolder(controls));
    }

    /** How far snapshots are known to be written (durably); 0 when nothing was projected. */
    public long projected() {
        return projected(store.control(PROJECTED));
    }

    private static long projected(Optional<LogStore.Control> mark) {
        if (mark.isEmpty()) {
            return 0;
        }
        String text = new String(mark.get().bytes(), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        try {
            return Math.max(0, Long.parseLong((nl < 0 ? text : text.substring(0, nl)).trim()));
        } catch (NumberFormatException e) {
            return 0; // damaged (a power loss, a hand edit): re-projecting everything repairs it
        }
    }

    /** Records that every record up to {@code position} is durably in the snapshots. */
    public void markProjected(long position) {
        store.putControl(PROJECTED, (position + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Tries to take the stage's lock for {@code duration}. Returns empty when taken (or already held
     * under {@code me}'s lock id: then renewed); otherwise who holds it. A holder whose lease ran
     * out, whose process is gone from this host, or whose lease is damaged is taken over. When other
     * runs win every round of {@value LeaseChain#ATTEMPTS}, returns the holder then (a
     * {@link run.alchemy.api.spi.LogConflictException} if the lock is free at that moment).
     */
    public Optional<LockHolder> tryLock(LockHolder me, Duration duration) {
        return lease.tryLock(me, duration);
    }

    /** Extends the lease; throws {@link run.alchemy.api.spi.LogConflictException} when it is no longer ours. */
    public void renew(LockHolder me, Duration duration) {
        lease.renew(me, duration);
    }

    /**
     * Releases the lock if {@code lockId} holds it (force-unlock: the id must be named; a damaged
     * lease's id is its control object's name). Returns whether it did.
     */
    public boolean unlock(String lockId) {
        return lease.unlock(lockId);
    }

    /** The current holder, if any (expired or not; damaged ones too). */
    public Optional<LockHolder> holder() {
        return lease.holder();
    }

    /**
     * Appends {@code checkpoint} (which must stand for the state at {@code expectedHead}) and drops
     * the records below it; moves the projection mark past it when the snapshots were current.
     * Returns the checkpoint's position.
     */
    public long compact(long expectedHead, byte[] checkpoint) {
        boolean current = projected() == expectedHead;
        long position = store.append(expectedHead, List.of(checkpoint));
        if (current) {
            markProjected(position);
        }
        store.dropBelow(position);
        return position;
    }

    /** Replaces the index cache. */
    public void writeIndex(byte[] index) {
        store.putControl(INDEX, index);
    }

    /** Who appended the record after {@code position} ({@code run <id> by user@host, pid N}), for messages; null when unknown. */
    public String writerAfter(long position) {
        String[] by = {null};
        try {
            store.read(position, (at, bytes) -> {
                if (EventCodec.decode(at, bytes, store.describe()) instanceof RunStarted r) {
                    by[0] = "run " + r.runId() + " by " + r.actor() + ", pid " + r.pid();
                }
                return false;
            });
        } catch (RuntimeException e) {
            return null; // only a message's detail
        }
        return by[0];
    }

    /** Where the log lives, for messages. */
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
