package run.alchemy.api.event;

import java.time.Instant;
import java.util.Map;

/**
 * What compaction leaves in place of the events it folded: every live record as it stood at this
 * position.
 *
 * @param position the event's position in the log, from 1
 * @param time     when it was written
 * @param runId    the run that wrote it (null in logs that did not record one)
 * @param snapshots each record's JSON text, keyed by its chain and id as a JSON array
 *                  ({@code ["my-app","dev","api"]})
 */
public record Checkpoint(long position, Instant time, String runId, Map<String, String> snapshots) implements Event {
    /**
     * Copies {@code snapshots}, which may not hold nulls.
     *
     * @param position  the event's position in the log
     * @param time      when it was written
     * @param runId     the run that wrote it
     * @param snapshots each live record's JSON text by its chain and id as a JSON array
     */
    public Checkpoint {
        snapshots = Map.copyOf(snapshots);
    }
}
