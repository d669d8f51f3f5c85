package run.alchemy.api.event;

import java.time.Instant;
import java.util.Map;

/**
 * What compaction leaves in place of the events it folded: every live record as it stood at this
 * position.
 *
 * @param snapshots each record's JSON text, keyed by its chain and id as a JSON array
 *                  ({@code ["my-app","dev","api"]})
 */
public record Checkpoint(long position, Instant time, String runId, Map<String, String> snapshots) implements Event {
    public Checkpoint {
        snapshots = Map.copyOf(snapshots);
    }
}
