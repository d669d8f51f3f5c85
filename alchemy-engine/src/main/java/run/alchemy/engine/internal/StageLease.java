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
    /** One renewal at a time: the background one, or an append's when the background one is late. */
    private final Object renewing = new Object();

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

    Duration duration() {
        return duration;
    }

    public LockHolder holder() {
        return me;
    }

    /** The background renewal; a failure to reach the store is retried at the next one. */
    void renewQuietly() {
        if (lost == null) {
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

    public void release() {
        log.unlock(me.lockId());
    }
}
