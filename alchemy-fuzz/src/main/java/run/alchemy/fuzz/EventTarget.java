package run.alchemy.fuzz;

import run.alchemy.engine.internal.log.EventCodec;

/** One line of the event log: the streaming decode every fold, replay and history runs. */
public final class EventTarget {
    private static final String WHERE = "fuzz-log:position 7";

    private EventTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(EventTarget::fuzzerTestOneInput, "EventTarget");
    }

    /**
     * One input.
     *
     * @param data the event record's bytes (one log record, without its framing)
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Rule.typed(WHERE, () -> EventCodec.decode(7, data, WHERE));
    }
}
