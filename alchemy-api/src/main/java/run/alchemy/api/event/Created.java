package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** The provider created it (status created). */
public record Created(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Created {
        chain = List.copyOf(chain);
    }
}
