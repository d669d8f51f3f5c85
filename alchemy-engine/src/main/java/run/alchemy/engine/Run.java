package run.alchemy.engine;

import run.alchemy.api.Phase;

import java.time.Instant;

/**
 * One run of a stage as its events tell it.
 *
 * @param from     position of its first event
 * @param to       position of its last event
 * @param finished null when the run never finished (it crashed or is still running)
 * @param result   how it ended, or {@link Result#UNFINISHED}
 */
public record Run(String runId, String actor, long pid, Phase phase, String program, Instant started,
                  Instant finished, Result result, int created, int updated, int replaced, int deleted,
                  long from, long to) {

    /** How a run ended, as its log tells it. */
    public enum Result {
        /** It finished and succeeded. */
        SUCCEEDED,
        /** It finished and failed. */
        FAILED,
        /** No end is in the log: it crashed, or is still running. */
        UNFINISHED
    }
}
