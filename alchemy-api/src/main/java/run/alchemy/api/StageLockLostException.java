package run.alchemy.api;

/**
 * This run lost the stage's lock while it was running (it could not renew it, or another run took
 * it over), so it stopped writing state: whatever it had not yet appended to the log is not
 * recorded. Names the stage, the lock id and why.
 */
public final class StageLockLostException extends AlchemyException {
    public StageLockLostException(String stage, String lockId, String why) {
        super("lost the lock of stage " + stage + " (lock id " + lockId + "): " + why
                + "; this run stopped writing state, and what it had not yet recorded is not in the log");
    }
}
