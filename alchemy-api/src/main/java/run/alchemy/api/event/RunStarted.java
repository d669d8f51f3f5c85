package run.alchemy.api.event;

import run.alchemy.api.Phase;

import java.time.Instant;

/**
 * A run began changing state.
 *
 * @param position the event's position in the log, from 1
 * @param time     when it was written
 * @param runId    the run that wrote it (null in logs that did not record one)
 * @param actor   {@code user@host}
 * @param pid     the process id
 * @param phase   what the run did with the declared resources
 * @param program what ran (the main class or command)
 * @param message what the run was for, as its operator said ({@code alchemy deploy --message}); null when none was given
 * @param commit  the git commit checked out in the working directory the run started in; null outside a git checkout
 */
public record RunStarted(long position, Instant time, String runId, String actor, long pid, Phase phase,
                         String program, String message, String commit) implements Event {
}
