package run.alchemy.api;

/**
 * This run lost the stage's lock while it was running (it could not renew it, or another run took
 * it over), so it stopped writing state: whatever it had not yet appended to the log is not
 * recorded. Names the stage, the lock id and why.
 */
public final class StageLockLostException extends AlchemyException {
    /**
     * A lost lock. The message names the stage, the lock id and why, and says that this run
     * stopped writing state and that what it had not yet recorded is not in the log.
     *
     * @param stage  {@code app/stage}
     * @param lockId the lock id this run held the stage with
     * @param why    how it was lost, e.g. the renewal's failure or that another run took it over
     */
    public StageLockLostException(String stage, String lockId, String why) {
        super("lost the lock of stage " + stage + " (lock id " + lockId + "): " + why
                + "; this run stopped writing state, and what it had not yet recorded is not in the log");
    }
}
