package run.alchemy.engine.internal.state;

import run.alchemy.api.spi.LogConflictException;
import run.alchemy.engine.internal.log.StageLog;

/**
 * How a run holds its stage (the stage lease, {@link run.alchemy.engine.internal.StageLease}):
 * told what opening the stage read, and asked before every write.
 */
public interface StageGuard {
    /** For runs that hold nothing (reads, and maintenance that holds the lock itself). */
    StageGuard NONE = new StageGuard() {
        @Override
        public void opened(StageLog.Opening opening) {
        }

        @Override
        public void beforeWrite() {
        }
    };

    /** Sees the log's state as opening read it; throws when the run may not go on (another run holds the stage). */
    void opened(StageLog.Opening opening);

    /**
     * Throws when the run may not write now (its lease was lost, another run holds or changed the
     * stage); may take the stage's lock first. Called before every queued write and every append,
     * in the writer's thread, so a write that would be refused fails before its provider is called.
     */
    void beforeWrite();

    /**
     * What a run that appended under this guard fails with when another writer appended first: the
     * conflict itself, unless the guard held the stage's lock (then the lock was lost: taken over,
     * or a dead holder's late write landed).
     */
    default RuntimeException appendRefused(LogConflictException conflict) {
        return conflict;
    }
}
