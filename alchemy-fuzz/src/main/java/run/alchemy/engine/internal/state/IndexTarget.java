package run.alchemy.engine.internal.state;

import run.alchemy.fuzz.Targets;

import java.util.Optional;

/**
 * The projection index a log keeps beside itself (a cache: bytes it cannot use are ignored, never
 * adopted). In the engine's package because the index is internal to it.
 */
public final class IndexTarget {
    private IndexTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(IndexTarget::fuzzerTestOneInput, "IndexTarget");
    }

    /**
     * One input.
     *
     * @param data the index's bytes
     */
    public static void fuzzerTestOneInput(byte[] data) {
        ProjectionIndex index = new ProjectionIndex();
        long position = index.load(Optional.of(data), Long.MAX_VALUE);
        if (position < 0) {
            throw new IllegalStateException("the index loaded as of position " + position);
        }
    }
}
