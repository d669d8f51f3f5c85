package run.alchemy.api.event;

import run.alchemy.api.Phase;

import java.time.Instant;

/**
 * A run began changing state.
 *
 * @param actor   {@code user@host}
 * @param pid     the process id
 * @param program what ran (the main class or command)
 */
public record RunStarted(long position, Instant time, String runId, String actor, long pid, Phase phase,
                         String program) implements Event {
}
