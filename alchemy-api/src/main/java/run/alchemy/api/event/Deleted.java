package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** The record was removed (snapshot is null). */
public record Deleted(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Deleted {
        chain = List.copyOf(chain);
    }
}
