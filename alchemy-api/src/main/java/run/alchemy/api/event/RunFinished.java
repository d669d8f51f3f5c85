package run.alchemy.api.event;

import java.time.Instant;

/**
 * A run ended.
 *
 * @param position the event's position in the log, from 1
 * @param time     when it was written
 * @param runId    the run that wrote it (null in logs that did not record one)
 * @param succeeded whether the run succeeded (false: it failed)
 * @param durationMillis how long the run took, in milliseconds
 * @param created   resources created
 * @param updated   resources updated
 * @param replaced  resources replaced
 * @param deleted   resources deleted
 * @param skipped   resources skipped (props unchanged)
 * @param failed    resources whose provider call failed
 * @param failure   why a failed run failed (the first failure's message); null when it succeeded
 */
public record RunFinished(long position, Instant time, String runId, boolean succeeded, long durationMillis,
                          int created, int updated, int replaced, int deleted, int skipped, int failed,
                          String failure)
        implements Event {
}
