package run.alchemy.cli;

import run.alchemy.fuzz.Rule;
import run.alchemy.fuzz.Targets;

import java.util.Map;

/**
 * The stack file {@code alchemy deploy --file} reads. In the command's package because the parser
 * is internal to it.
 */
public final class StackTarget {
    private static final String SOURCE = "fuzz-stack.json";

    private StackTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(StackTarget::fuzzerTestOneInput, "StackTarget");
    }

    /**
     * One input.
     *
     * @param data the stack file's bytes
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Rule.typed(SOURCE, CliException.class, () -> Stack.parse(data, SOURCE, Map.of("FUZZ_SECRET", "s3cr3t"), true));
    }
}
