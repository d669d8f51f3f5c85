package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.History;
import run.alchemy.engine.RestorePoint;
import run.alchemy.engine.RestoreReport;
import run.alchemy.engine.Run;

import java.time.Instant;
import java.util.Optional;

/**
 * {@code alchemy state restore --at POSITION|TIME|RUN}: makes the stage's state what it was at an earlier
 * point of its log, through {@code Stage.restore}; the real resources are not touched.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        header = "Make the state what it was at a log position, time or run.",
        description = {"Makes the state of the stage what it was at an earlier point of its event log: every"
                + " record that differs is written back as it was then, every record that did not exist then is"
                + " removed. History is never rewritten: the restore is a run of its own, under the stage lock,"
                + " each record a restored event in the log. No provider is called and the real resources are"
                + " not touched: the next deploy reconciles them with the restored records.",
                "--at takes a log position (digits, as 'state runs' shows the positions each run spans), an"
                        + " ISO-8601 time (as 'state replay --at') or a run id, or the start of one as 'state"
                        + " runs' prints it (the state at that run's last event). --dry-run prints the changes"
                        + " and writes nothing (it takes no lock either). The whole stage is restored: --scope"
                        + " is refused. A stage without an event log has nothing to restore from."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state restore --at 12 --dry-run       what restoring would change",
                "  ./alchemy state restore --at 12",
                "  ./alchemy state restore --at 3f2a9c1e          the state after that run",
                "  ./alchemy state restore --at 2025-06-01T12:00:00Z --json"})
final class RestoreCommand extends StateSubcommand {
    @Option(names = "--at", required = true, paramLabel = "POSITION|TIME|RUN",
            description = "A log position, an ISO-8601 time (e.g. 2025-06-01T12:00:00Z) or a run id (or its start).")
    String at;

    @Option(names = "--dry-run", description = "Print what the restore would change; write nothing.")
    boolean dryRun;

    @Override
    @SuppressWarnings("try") // the progress spinner lives as long as the work
    int execute() {
        try (StageRef ref = stage()) {
            String name = wholeStage(ref, "restore");
            if (!ref.hasLog()) {
                throw CliException.usage("cannot restore " + name + ": it has no event log, so no earlier state to"
                        + " restore (it was written without alchemy-java, e.g. by Alchemy, or its store keeps no log)",
                        StageRef.noLogHint());
            }
            RestorePoint point;
            String then;
            try (History history = ref.history()) {
                Optional<Instant> time = LogPoints.time(at);
                if (time.isPresent()) {
                    point = RestorePoint.time(time.get());
                    then = at;
                } else {
                    Optional<Run> run = LogPoints.run(history, at, "--at", name);
                    point = run.<RestorePoint>map(r -> RestorePoint.endOfRun(r.runId()))
                            .orElseGet(() -> RestorePoint.position(LogPoints.position(history, at, "--at")));
                    then = run.map(r -> "the end of run " + Runs.shortId(r.runId())).orElse(null);
                }
            }
            RestoreReport report;
            try (Progress progress = Progress.start(io, (dryRun ? "checking a restore of " : "restoring ") + name, 0)) {
                report = refusingAsUsage(() -> ref.asStage(io, "alchemy state restore").restore(point, dryRun),
                        "'alchemy state list' shows the ids", "'alchemy state runs' shows the runs and their positions");
            }
            if (json) {
                ObjectNode o = Json.object();
                o.put("dryRun", report.dryRun());
                o.put("position", report.position());
                o.put("added", report.added());
                o.put("changed", report.changed());
                o.put("removed", report.removed());
                o.set("changes", Changes.json(report.changes(), ref));
                printJson(o);
            } else {
                Changes.print(report.changes(), io);
            }
            String when = "log position " + report.position() + (then == null ? "" : " (" + then + ")");
            String untouched = "; the real resources are not touched: deploy to bring them in line with the restored"
                    + " state";
            if (report.unchanged()) {
                summary(name + " already is as it was at " + when + ": nothing to restore" + untouched);
            } else if (report.dryRun()) {
                summary("dry run: restoring " + name + " to " + when + " would add " + Words.count(report.added(), "record")
                        + ", change " + report.changed() + " and remove " + report.removed() + "; nothing was written"
                        + untouched);
            } else {
                summary("restored " + name + " to " + when + ": " + Words.count(report.added(), "record") + " added, "
                        + report.changed() + " changed, " + report.removed() + " removed (restored events in the log)"
                        + untouched);
            }
            return 0;
        }
    }
}
