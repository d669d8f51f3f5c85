package run.alchemy.cli.state;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;

import java.util.List;

/** {@code alchemy state diff FROM TO}: what changed between two points of the log. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        header = "What changed between two log positions or times.",
        description = "What changed between two points of the log (positions, or ISO-8601 times): JSON pointers"
                + " into each record; secrets are only said to have changed.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state diff 0 12        everything up to position 12",
                "  ./alchemy state diff 2025-06-01T00:00:00Z 2025-06-02T00:00:00Z --json"})
final class DiffCommand extends StateSubcommand {
    @Parameters(index = "0", paramLabel = "FROM", description = "A log position or an ISO-8601 time.")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "A log position or an ISO-8601 time.")
    String to;

    @Override
    int execute() {
        try (StageRef ref = stage()) {
            ref.requireLog("diff");
            List<Change> changes;
            long a;
            long b;
            try (History history = ref.history()) {
                a = LogPoints.position(history, from, "FROM");
                b = LogPoints.position(history, to, "TO");
                changes = history.diff(a, b).stream().filter(c -> ref.covers(c.address())).toList();
            }
            if (json) {
                printJson(Changes.json(changes, ref));
            } else {
                Changes.print(changes, io);
            }
            summary(Words.count(changes.size(), "change") + " in " + ref.name() + " from position " + a + " to " + b);
            return 0;
        }
    }
}
