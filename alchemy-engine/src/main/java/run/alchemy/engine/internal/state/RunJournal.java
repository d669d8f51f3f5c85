package run.alchemy.engine.internal.state;

import run.alchemy.api.Action;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.engine.internal.StateSerde;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The run as the log tells it: its events carry the run's id, its first batch opens with a
 * RunStarted event, and a run that appended anything ends with RunFinished. A run that changed
 * nothing leaves no trace (a no-op redeploy appends nothing).
 */
final class RunJournal {
    /** The longest failure reason kept in the log. */
    static final int FAILURE_LENGTH = 500;

    private final StateRepository.RunInfo run;
    private final StateSerde serde;
    /** Whether RunStarted is in the log; written by the committer under its lock. */
    private volatile boolean started;

    RunJournal(StateRepository.RunInfo run, StateSerde serde) {
        this.run = run;
        this.serde = serde;
    }

    /** The event of one record's change, stamped with this run. */
    Event resource(Type type, Key key, String kind, String snapshot) {
        return new ResourceEvent(0, Instant.now(), run.runId(), type, key.chain(), key.id(), kind, snapshot);
    }

    /** The kind a record's bytes name, or "" when they name none (the bytes are then not a record). */
    String kindOf(byte[] bytes) {
        try {
            return serde.mapper().readTree(bytes).path("kind").asText("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The RunStarted event while the run has appended nothing, else null. */
    Event startIfFirst() {
        return started ? null : new RunStarted(0, run.started(), run.runId(), run.actor(), run.pid(), run.phase(),
                run.program(), run.message(), run.commit());
    }

    void appended() {
        started = true;
    }

    boolean started() {
        return started;
    }

    /** The run's end; a failure reason is cut to {@link #FAILURE_LENGTH} characters. */
    Event finished(boolean succeeded, Map<Action, Integer> counts, int failed, String failure) {
        long duration = Duration.between(run.started(), Instant.now()).toMillis();
        return new RunFinished(0, Instant.now(), run.runId(), succeeded, duration,
                counts.getOrDefault(Action.CREATED, 0),
                counts.getOrDefault(Action.UPDATED, 0),
                counts.getOrDefault(Action.REPLACED, 0),
                counts.getOrDefault(Action.DELETED, 0),
                counts.getOrDefault(Action.SKIPPED, 0), failed, succeeded || failure == null ? null
                        : failure.length() <= FAILURE_LENGTH ? failure : failure.substring(0, FAILURE_LENGTH - 1) + "…");
    }
}
