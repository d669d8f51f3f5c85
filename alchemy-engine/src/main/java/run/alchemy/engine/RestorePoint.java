package run.alchemy.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * A moment in a stage's log that {@link Stage#restore(RestorePoint, boolean)} makes the stage's state
 * again: a log position, a time, or the end of a run.
 */
public sealed interface RestorePoint {

    /**
     * The state as of log position {@code position} (its event included), as {@link History#stateAt(long)}
     * folds it. A position past the head means the head; one before the log's first event (0, say)
     * means the empty stage.
     *
     * @param position a position of the stage's log
     */
    record Position(long position) implements RestorePoint {
    }

    /**
     * The state as of {@code time}: every event written at or before it, as {@link History#stateAt(Instant)}
     * folds it. A time before the first event means the empty stage.
     *
     * @param time when
     */
    record Time(Instant time) implements RestorePoint {
        /**
         * Checks the time.
         *
         * @param time when
         * @throws NullPointerException when {@code time} is null
         */
        public Time {
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * The state at the end of the run {@code runId}: at its last event, {@link Run#to()} of
     * {@link History#runs()}.
     *
     * @param runId the run's id, as {@link Run#runId()} gives it
     */
    record EndOfRun(String runId) implements RestorePoint {
        /**
         * Checks the run id.
         *
         * @param runId the run's id
         * @throws NullPointerException when {@code runId} is null
         */
        public EndOfRun {
            Objects.requireNonNull(runId, "runId");
        }
    }

    /**
     * The state as of a log position ({@link Position}).
     *
     * @param position a log position
     * @return the state as of that position
     */
    static RestorePoint position(long position) {
        return new Position(position);
    }

    /**
     * The state as of a time ({@link Time}).
     *
     * @param time a time
     * @return the state as of that time
     */
    static RestorePoint time(Instant time) {
        return new Time(time);
    }

    /**
     * The state at the end of a run ({@link EndOfRun}).
     *
     * @param runId a run's id
     * @return the state at the end of that run
     */
    static RestorePoint endOfRun(String runId) {
        return new EndOfRun(runId);
    }
}
