package run.alchemy.api.event;

import java.time.Instant;

/**
 * One record of a stage's append-only event log. Every state change is an event; snapshots are
 * a projection (a fold) of them. Stored as one JSON line carrying {@link #SCHEMA}.
 */
public sealed interface Event permits RunStarted, RunFinished, ResourceEvent, Checkpoint {
    /** Version of the stored form of events; written into every record. */
    int SCHEMA = 1;

    /**
     * Where the event stands in the log.
     *
     * @return the position, from 1; positions are gapless and never reused
     */
    long position();

    /**
     * When the event was written.
     *
     * @return the writer's clock at the append
     */
    Instant time();

    /**
     * The run that wrote it.
     *
     * @return the run id, as in {@link RunStarted}
     */
    String runId();
}
