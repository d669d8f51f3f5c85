package run.alchemy.api;

import run.alchemy.api.spi.LockHolder;

import java.time.Duration;

/** Another run holds the stage's lock; names who, where and since when, and how to force it. */
public final class StageLockedException extends AlchemyException {
    /** Who holds the lock; not serialized. */
    private final transient LockHolder holder;

    /**
     * A locked stage. The message is {@code stage STAGE is locked by HOLDER (waited N s); …}: the
     * holder as {@link LockHolder#describe()} gives it, the wait only when there was one, then what
     * to do (wait, raise {@code lockTimeout}, or force-unlock with its lock id if that run is gone).
     *
     * @param stage  {@code app/stage}
     * @param holder who holds the lock, not null
     * @param waited how long this run waited for it; {@link Duration#ZERO} when it did not wait
     */
    public StageLockedException(String stage, LockHolder holder, Duration waited) {
        super("stage " + stage + " is locked by " + holder.describe()
                + (waited.isZero() ? "" : " (waited " + waited.toSeconds() + " s)")
                + "; wait for it, raise lockTimeout, or force-unlock with its lock id if that run is gone");
        this.holder = holder;
    }

    /**
     * Who holds the lock: its lock id (which force-unlock takes), run, user, host, pid and expiry.
     *
     * @return the holder; null in a copy made by Java deserialization
     */
    public LockHolder holder() {
        return holder;
    }
}
