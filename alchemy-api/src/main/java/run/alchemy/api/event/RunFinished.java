package run.alchemy.api.event;

import java.time.Instant;

/**
 * A run ended.
 *
 * @param succeeded whether the run succeeded (false: it failed)
 * @param created   resources created …
 * @param failed    resources whose provider call failed
 */
public record RunFinished(long position, Instant time, String runId, boolean succeeded, long durationMillis,
                          int created, int updated, int replaced, int deleted, int skipped, int failed)
        implements Event {
}
