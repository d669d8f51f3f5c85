package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** The snapshot was changed outside this log (by hand, or by the TypeScript Alchemy) and adopted as found; snapshot is null when it was removed. */
public record ExternalChange(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public ExternalChange {
        chain = List.copyOf(chain);
    }
}
