package run.alchemy.cli.state;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import run.alchemy.cli.CliException;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;
import run.alchemy.engine.Run;

import java.util.List;
import java.util.Optional;

/** {@code alchemy state diff FROM [TO]}: what changed between two points of the log, or in one run. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        header = "What changed between two points of the log, or in one run.",
        description = "What changed between two points of the log: JSON pointers into each record; secrets are only"
                + " said to have changed. A point is a log position (past the head: the head), an ISO-8601 time, or"
                + " a run id (or the start of one: the end of that run). With FROM alone, a run: what it changed."
                + " --id keeps to one record.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state diff 0 12        everything up to position 12",
                "  ./alchemy state diff 3f2a9c1e     what that run changed",
                "  ./alchemy state diff 3f2a9c1e 77b0d2aa --id api",
                "  ./alchemy state diff 2025-06-01T00:00:00Z 2025-06-02T00:00:00Z --json"})
final class DiffCommand extends StateSubcommand {
    @Parameters(index = "0", paramLabel = "FROM", description = "A log position, an ISO-8601 time or a run id;"
            + " alone, a run.")
    String from;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TO", description = "A log position, an ISO-8601 time or"
            + " a run id.")
    String to;

    @Option(names = "--id", paramLabel = "ID", description = "Only this record's changes (relative to the stage or"
            + " --scope, as 'state show' takes it).")
    String id;

    @Override
    int execute() {
        try (StageRef ref = stage()) {
            ref.requireLog("diff");
            List<Change> changes;
            long a;
            long b;
            try (History history = ref.history()) {
                if (to == null) {
                    Run run = LogPoints.time(from).isEmpty() ? LogPoints.run(history, from, "FROM", ref.name()).orElse(null)
                            : null;
                    if (run == null) {
                        throw CliException.usage("FROM " + from + " alone must be a run id (a position or time needs TO)",
                                "'alchemy state runs' shows each run's id");
                    }
                    a = run.from() - 1;
                    b = run.to();
                } else {
                    a = point(history, from, "FROM", ref);
                    b = point(history, to, "TO", ref);
                }
                changes = history.diff(a, b).stream()
                        .filter(c -> ref.covers(c.address()) && (id == null || id.equals(ref.key(c.address())))).toList();
            }
            if (json) {
                printJson(Changes.json(changes, ref));
            } else {
                Changes.print(changes, io);
            }
            summary(Words.count(changes.size(), "change") + " in " + (id == null ? ref.name() : ref.name() + "/" + id)
                    + " from position " + a + " to " + b);
            return 0;
        }
    }

    /** A position, a time's position, or a run's last position; past the head is the head. */
    private static long point(History history, String text, String what, StageRef ref) {
        if (LogPoints.time(text).isEmpty()) {
            Optional<Run> run = LogPoints.run(history, text, what, ref.name());
            if (run.isPresent()) {
                return run.get().to();
            }
        }
        return LogPoints.position(history, text, what, true);
    }
}
