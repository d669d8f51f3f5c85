package run.alchemy.engine;

import run.alchemy.api.Phase;

import java.time.Instant;

/**
 * One run of a stage as its events tell it ({@link History#runs()}): a deploy, a destroy, an
 * import, a rotation. The counts are those of its {@code run-finished} event, 0 while it has none.
 *
 * @param runId    the run's id, stamped on each of its events
 * @param actor    who ran it, {@code user@host}
 * @param pid      the process id of the run on that host
 * @param phase    the phase it ran in
 * @param program  what was running ({@link Stage#program}; {@code rebuild} for a rebuild that
 *                 imported a stage's state)
 * @param started  when the run started
 * @param finished when it finished; null when the run never finished (it crashed or is still running)
 * @param result   how it ended, or {@link Result#UNFINISHED}
 * @param created  resources it created (for an import: records added)
 * @param updated  resources it updated (for an import: records replaced; for a rotation: records
 *                 re-encrypted)
 * @param replaced resources it replaced
 * @param deleted  resources it deleted
 * @param from     position of its first event
 * @param to       position of its last event
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
