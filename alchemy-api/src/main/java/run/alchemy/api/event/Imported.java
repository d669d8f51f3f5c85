package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;

/** Existing Alchemy state adopted when the log was started. */
public record Imported(long position, Instant time, String runId, List<String> chain, String id, String kind,
                    String snapshot) implements ResourceEvent {
    public Imported {
        chain = List.copyOf(chain);
    }
}
