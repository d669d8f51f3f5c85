package run.alchemy.api;

import run.alchemy.api.spi.LockHolder;

import java.time.Duration;

/** Another run holds the stage's lock; names who, where and since when, and how to force it. */
public final class StageLockedException extends AlchemyException {
    private final transient LockHolder holder;

    public StageLockedException(String stage, LockHolder holder, Duration waited) {
        super("stage " + stage + " is locked by " + holder.describe()
                + (waited.isZero() ? "" : " (waited " + waited.toSeconds() + " s)")
                + "; wait for it, raise lockTimeout, or force-unlock with its lock id if that run is gone");
        this.holder = holder;
    }

    public LockHolder holder() {
        return holder;
    }
}
