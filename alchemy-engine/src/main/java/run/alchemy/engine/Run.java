package run.alchemy.engine;

import run.alchemy.api.Phase;

import java.time.Instant;

/**
 * One run of a stage as its events tell it.
 *
 * @param from     position of its first event
 * @param to       position of its last event
 * @param finished null when the run never finished (it crashed or is still running)
 * @param outcome  {@code succeeded}, {@code failed}, or {@code unfinished}
 */
public record Run(String runId, String actor, long pid, Phase phase, String program, Instant started,
                  Instant finished, String outcome, int created, int updated, int replaced, int deleted,
                  long from, long to) {
}
