package run.alchemy.api.event;

import java.time.Instant;

/**
 * One record of a stage's append-only event log. Every state change is an event; snapshots are
 * a projection (a fold) of them. Stored as one JSON line carrying {@link #SCHEMA}.
 */
public sealed interface Event permits RunStarted, RunFinished, ResourceEvent, Checkpoint {
    /** Version of the stored form of events; written into every record. */
    int SCHEMA = 1;

    /** Position in the log, from 1. */
    long position();

    Instant time();

    /** The run that wrote it. */
    String runId();
}
