package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** Written before the provider creates the resource (status creating). */
public record Creating(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Creating {
        chain = List.copyOf(chain);
    }
}
