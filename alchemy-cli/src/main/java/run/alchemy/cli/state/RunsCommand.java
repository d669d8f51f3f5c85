package run.alchemy.cli.state;

import picocli.CommandLine.Command;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;
import run.alchemy.engine.History;

import java.util.List;

/** {@code alchemy state runs}: the runs that wrote to the stage, as {@link Runs} shows them. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        header = "The runs that wrote to the stage: counts, log positions.",
        description = "The runs that wrote to the stage, oldest first: id, actor, phase, start and end, outcome,"
                + " counts, and the log positions from and to that each spans (runs that changed nothing wrote"
                + " nothing and are not listed). With --scope, only the runs that wrote an event of a resource"
                + " under that scope (their counts stay those of the whole run).",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state runs", "  ./alchemy state runs --scope api",
                "  ./alchemy state runs --json | jq '.[] | {id, outcome, from, to}'"})
final class RunsCommand extends StateSubcommand {
    @Override
    int execute() {
        try (StageRef ref = stage()) {
            if (saidNoLog(ref, "runs")) {
                return 0;
            }
            List<Runs.Row> rows;
            long head;
            try (History history = ref.history()) {
                List<Event> events = history.events();
                rows = Runs.of(events, history.runs());
                head = history.head();
                if (ref.chain.size() > 2) {
                    // --scope: the runs that wrote an event of a resource under the scope
                    java.util.Set<String> touched = new java.util.HashSet<>();
                    for (Event e : events) {
                        if (e instanceof ResourceEvent r && ref.covers(new Address(r.chain(), r.id()))) {
                            touched.add(e.runId());
                        }
                    }
                    rows = rows.stream().filter(r -> touched.contains(r.run().runId())).toList();
                }
            }
            if (json) {
                printJson(Runs.json(rows));
            } else {
                io.out.println(io.paint(Runs.header(), "2"));
                rows.forEach(r -> io.out.println(Runs.line(r, io)));
            }
            summary(Words.count(rows.size(), "run") + (ref.chain.size() > 2 ? " that touched " + ref.name() + ", of "
                    : " of ") + ref.app + "/" + ref.stage + ", " + Words.count(head, "event") + " in the log");
            return 0;
        }
    }
}
