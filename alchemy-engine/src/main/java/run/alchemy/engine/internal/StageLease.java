package run.alchemy.engine.internal;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.StageChangedException;
import run.alchemy.api.StageLockLostException;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.state.StageGuard;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This run's hold on the stage lock, renewed in the background and released at the end. A run
 * that cannot renew (it was taken over after stalling) stops writing: {@link #ensureHeld} fails
 * every append from then on, because the run that took over may not have appended yet, and so the
 * log position alone would not fence this one.
 *
 * <p>When it is taken: {@link #acquire} takes it before anything is read, waiting for the holder
 * if asked to (runs take turns). {@link #atFirstWrite} takes it at the run's first write, so a run
 * that writes nothing (a no-op redeploy) takes no lock: a remote store is spared two round trips
 * each way. Such a run still fails at open when another run holds the stage, and fails at its
 * first write, before the provider is called, when another run wrote since it read
 * ({@link StageChangedException}): taking the lock, it checks that the log's head is still the one
 * it read at.
 */
public final class StageLease implements StageGuard {
    private static final System.Logger LOG = System.getLogger("run.alchemy.engine");

    private final StageLog log;
    private final LockHolder me;
    private final Duration duration;
    private final String stage;
    /** Set once, when a renewal fails or the lease ran out unrenewed; never cleared. */
    private volatile StageLockLostException lost;
    /** Until when the lease is ours: the expiry of the last successful take or renewal; null until taken. */
    private volatile Instant heldUntil;
    /** One renewal at a time: the background one, or an append's when the background one is late. */
    private final Object renewing = new Object();
    /** The log's head as opening read it, checked when an {@link #atFirstWrite} lease is taken. */
    private long readAt;

    private StageLease(StageLog log, LockHolder me, Duration duration, String stage, Instant heldUntil) {
        this.log = log;
        this.me = me;
        this.duration = duration;
        this.stage = stage;
        this.heldUntil = heldUntil;
    }

    /** Takes the lock, waiting up to {@code timeout} (zero: fail at once) for the holder to finish. */
    public static StageLease acquire(StageLog log, LockHolder me, Duration duration, Duration timeout, String stage) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            // the lease this attempt writes runs out no earlier than a lease from its start would
            Instant attempt = Instant.now();
            Optional<LockHolder> holder = log.tryLock(me, duration);
            if (holder.isEmpty()) {
                return new StageLease(log, me, duration, stage, attempt.plus(duration));
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new StageLockedException(stage, holder.get(), timeout);
            }
            try {
                Thread.sleep(Math.min(250, Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AlchemyException("interrupted while waiting for the lock of " + stage, e);
            }
        }
    }

    /** A lease taken at the run's first write (see the class comment); until then it holds nothing. */
    public static StageLease atFirstWrite(StageLog log, LockHolder me, Duration duration, String stage) {
        return new StageLease(log, me, duration, stage, null);
    }

    /** Refuses at once a stage another run holds; remembers the head the run reads at. */
    @Override
    public synchronized void opened(StageLog.Opening opening) {
        if (heldUntil == null) {
            Optional<LockHolder> holder = opening.heldBy().filter(h -> !h.lockId().equals(me.lockId()));
            if (holder.isPresent()) {
                throw new StageLockedException(stage, holder.get(), Duration.ZERO);
            }
            readAt = opening.head();
        }
    }

    /** Another writer appended while this run held the lock: the lock is lost, and the run stops writing. */
    @Override
    public synchronized RuntimeException appendRefused(LogConflictException conflict) {
        if (heldUntil == null) {
            return conflict;
        }
        lose("another writer appended to the stage's log while this run held its lock (" + conflict.getMessage() + ")");
        return lost;
    }

    @Override
    public void beforeWrite() {
        ensureHeld();
    }

    /** At the first write of an {@link #atFirstWrite} lease: takes the lock and checks that nobody wrote since the run read. */
    private synchronized void takeAtFirstWrite() {
        if (heldUntil != null) {
            return;
        }
        Instant attempt = Instant.now();
        Optional<LockHolder> holder = log.tryLock(me, duration);
        if (holder.isPresent()) {
            throw new StageLockedException(stage, holder.get(), Duration.ZERO);
        }
        heldUntil = attempt.plus(duration);
        long head = log.head();
        if (head != readAt) {
            String by = log.writerAfter(readAt);
            release();
            lost = new StageLockLostException(stage, me.lockId(), "the stage changed before the first write");
            throw new StageChangedException(stage, readAt, head, by);
        }
    }

    Duration duration() {
        return duration;
    }

    public LockHolder holder() {
        return me;
    }

    /** The background renewal; a failure to reach the store is retried at the next one. */
    void renewQuietly() {
        if (lost == null && heldUntil != null) {
            synchronized (renewing) {
                renew();
            }
        }
    }

    /**
     * Throws when this run may no longer append: a renewal found another holder, or the lease ran
     * out (the background renewal is late: a slow store, a stalled process) and renewing it now,
     * which succeeds only while no other run has taken it over, failed too.
     */
    void ensureHeld() {
        if (heldUntil == null) {
            takeAtFirstWrite();
        }
        if (lost == null && Instant.now().isAfter(heldUntil)) {
            synchronized (renewing) {
                if (lost == null && Instant.now().isAfter(heldUntil)) {
                    String why = renew();
                    if (why != null && lost == null) {
                        lose("the lease ran out at " + heldUntil + " and could not be renewed: " + why);
                    }
                }
            }
        }
        StageLockLostException e = lost;
        if (e != null) {
            throw e;
        }
    }

    /** Renews once (under {@link #renewing}); returns null when renewed, else why not. */
    private String renew() {
        if (lost != null) {
            return lost.getMessage();
        }
        Instant until = Instant.now().plus(duration);
        try {
            log.renew(me, duration);
            heldUntil = until;
            return null;
        } catch (RuntimeException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
            if (Thread.currentThread().isInterrupted()) {
                return why; // the run is closing (its housekeeping stopped): the lease is released next
            }
            if (e instanceof LogConflictException) {
                lose(why); // another run holds it now
            } else {
                LOG.log(System.Logger.Level.WARNING, "could not renew the stage lock " + me.lockId()
                        + " (held until " + heldUntil + "): " + why);
            }
            return why;
        }
    }

    private void lose(String why) {
        lost = new StageLockLostException(stage, me.lockId(), why);
        LOG.log(System.Logger.Level.WARNING, "lost the stage lock " + me.lockId() + ": " + why);
    }

    /** Releases the lock if this run took it. */
    public void release() {
        if (heldUntil != null) {
            log.unlock(me.lockId());
        }
    }
}
