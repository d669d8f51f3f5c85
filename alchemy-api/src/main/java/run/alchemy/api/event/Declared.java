package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/**
 * The first event of a create: the resource's initial record (status creating, no props yet), written
 * when a new resource is declared. {@link Creating} follows, with the props, just before the provider
 * creates it. Logs written before this event existed name both {@code creating}; they read as two
 * {@link Creating} events.
 */
public record Declared(long position, Instant time, String runId, List<String> chain, String id, String kind,
                       String snapshot) implements ResourceEvent {
    public Declared {
        chain = List.copyOf(chain);
    }
}
