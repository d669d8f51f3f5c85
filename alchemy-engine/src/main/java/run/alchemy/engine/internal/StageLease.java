package run.alchemy.engine.internal;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.StageLockLostException;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.engine.internal.log.StageLog;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This run's hold on the stage lock: taken before anything is read, renewed in the background,
 * released at the end. A run that cannot renew (it was taken over after stalling) stops writing:
 * {@link #ensureHeld} fails every append from then on, because the run that took over may not
 * have appended yet, and so the log position alone would not fence this one.
 */
public final class StageLease {
    private static final System.Logger LOG = System.getLogger("run.alchemy.engine");

    private final StageLog log;
    private final LockHolder me;
    private final Duration duration;
    private final String stage;
    /** Set once, when a renewal fails or the lease ran out unrenewed; never cleared. */
    private volatile StageLockLostException lost;
    /** Until when the lease is ours: the expiry of the last successful take or renewal. */
    private volatile Instant heldUntil;

    private StageLease(StageLog log, LockHolder me, Duration duration, String stage) {
        this.log = log;
        this.me = me;
        this.duration = duration;
        this.stage = stage;
        this.heldUntil = me.expires();
    }

    /** Takes the lock, waiting up to {@code timeout} (zero: fail at once) for the holder to finish. */
    public static StageLease acquire(StageLog log, LockHolder me, Duration duration, Duration timeout, String stage) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<LockHolder> holder = log.tryLock(me, duration);
            if (holder.isEmpty()) {
                return new StageLease(log, me, duration, stage);
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

    Duration duration() {
        return duration;
    }

    public LockHolder holder() {
        return me;
    }

    void renewQuietly() {
        if (lost != null) {
            return;
        }
        Instant until = Instant.now().plus(duration);
        try {
            log.renew(me, duration);
            heldUntil = until;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // the run is closing (its housekeeping stopped): the lease is released next
            }
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
            if (e instanceof LogConflictException) {
                lose(why); // another run holds it now
            } else {
                // the store failed to answer: the lease is still ours until it runs out, so try again
                LOG.log(System.Logger.Level.WARNING, "could not renew the stage lock " + me.lockId()
                        + " (held until " + heldUntil + "): " + why);
            }
        }
    }

    /**
     * Throws when the lease is no longer this run's: a renewal failed, or the last one is older
     * than the lease (the renewal thread stalled, and another run may have taken over).
     */
    void ensureHeld() {
        if (lost == null && Instant.now().isAfter(heldUntil)) {
            lose("the lease ran out at " + heldUntil + " without being renewed");
        }
        StageLockLostException e = lost;
        if (e != null) {
            throw e;
        }
    }

    private void lose(String why) {
        lost = new StageLockLostException(stage, me.lockId(), why);
        LOG.log(System.Logger.Level.WARNING, "lost the stage lock " + me.lockId() + ": " + why);
    }

    public void release() {
        log.unlock(me.lockId());
    }
}
