package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** Written before the provider updates it (status updating). */
public record Updating(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Updating {
        chain = List.copyOf(chain);
    }
}
