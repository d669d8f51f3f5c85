package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/**
 * Written just before the provider creates the resource: the record with its props (status creating).
 * It follows {@link Declared}, the resource's initial record.
 */
public record Creating(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Creating {
        chain = List.copyOf(chain);
    }
}
