package run.alchemy.api;

/**
 * Another run changed the stage after this run read it and before this run's first write (the
 * stage lock is taken at the first write): this run wrote nothing and called no provider for the
 * write it was about to make, and its reads are out of date. Running it again reads the new state.
 */
public final class StageChangedException extends AlchemyException {
    /** The log position this run read the stage at. */
    private final long readAt;
    /** The log position found when this run came to write. */
    private final long headNow;

    /**
     * A stage that changed under this run. The message names the stage, both positions and, when
     * known, the writer, says that this run wrote nothing, and suggests running again or giving
     * the run a lock timeout.
     *
     * @param stage   {@code app/stage}
     * @param readAt  the log position this run read the stage at
     * @param headNow the log position found when it came to write
     * @param by      who wrote in between ({@code run <id> by user@host, pid N}), or null when unknown
     */
    public StageChangedException(String stage, long readAt, long headNow, String by) {
        super("stage " + stage + " changed while this run was reading it: the log moved from position " + readAt
                + " to " + headNow + (by == null ? "" : ", written by " + by) + ", before this run's first write;"
                + " this run wrote nothing: run it again (or give it a lock timeout, so that it takes the stage"
                + " lock before it reads and waits for its turn)");
        this.readAt = readAt;
        this.headNow = headNow;
    }

    /**
     * The log position this run read the stage at.
     *
     * @return the position of the log's last event when this run opened the stage
     */
    public long readAt() {
        return readAt;
    }

    /**
     * The log position found when this run came to write.
     *
     * @return the position of the log's last event then, beyond {@link #readAt()}
     */
    public long headNow() {
        return headNow;
    }
}
