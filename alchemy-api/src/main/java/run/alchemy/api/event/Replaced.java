package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** The provider replaced it; the old copy is queued for deletion or already deleted. */
public record Replaced(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Replaced {
        chain = List.copyOf(chain);
    }
}
