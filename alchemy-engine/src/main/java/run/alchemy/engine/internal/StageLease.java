package run.alchemy.engine.internal;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.engine.internal.log.StageLog;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This run's hold on the stage lock: taken before anything is read, renewed in the background,
 * released at the end. A run that cannot renew (it was taken over after stalling) stops writing:
 * its appends would be fenced anyway by the log position.
 */
public final class StageLease {
    private static final System.Logger LOG = System.getLogger("run.alchemy.engine");

    private final StageLog log;
    private final LockHolder me;
    private final Duration duration;
    private volatile RuntimeException lost;

    private StageLease(StageLog log, LockHolder me, Duration duration) {
        this.log = log;
        this.me = me;
        this.duration = duration;
    }

    /** Takes the lock, waiting up to {@code timeout} (zero: fail at once) for the holder to finish. */
    public static StageLease acquire(StageLog log, LockHolder me, Duration duration, Duration timeout, String stage) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<LockHolder> holder = log.tryLock(me, duration);
            if (holder.isEmpty()) {
                return new StageLease(log, me, duration);
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
        try {
            log.renew(me, duration);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // the run is closing (its housekeeping stopped): the lease is released next
            }
            lost = e;
            LOG.log(System.Logger.Level.WARNING, "lost the stage lock " + me.lockId() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getName()));
        }
    }

    public void release() {
        log.unlock(me.lockId());
    }
}
