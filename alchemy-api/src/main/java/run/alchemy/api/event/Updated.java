package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** The provider updated it (status updated), or a scope's data changed. */
public record Updated(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Updated {
        chain = List.copyOf(chain);
    }
}
