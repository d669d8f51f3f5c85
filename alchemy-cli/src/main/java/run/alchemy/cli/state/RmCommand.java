package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code alchemy state rm ID…}: removes records from the state (Terraform's {@code state rm}) through
 * {@code Stage.forget}; the real resources are not touched.
 */
@Command(name = "rm", mixinStandardHelpOptions = true,
        header = "Remove records from the state; the resources stay.",
        description = {"Removes records from the state of the stage, as Terraform's 'state rm': the stage forgets"
                + " resources it should no longer manage. No provider is called and the real resources are not"
                + " touched. The next deploy that still declares one of them creates it again; one that does not"
                + " leaves it alone.",
                "ID is relative to the stage or --scope, as 'state list' and 'state show' print it (api,"
                        + " parent/child). A record with records under it (a scope, say) is refused unless"
                        + " --recursive, which removes them too. The removal is a run of its own, under the stage"
                        + " lock: each record a forgotten event in the log. Every ID is checked before anything is"
                        + " written."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state rm readme",
                "  ./alchemy state rm child --recursive      child and every record under it",
                "  ./alchemy state rm note --scope child --json"})
final class RmCommand extends StateSubcommand {
    @Parameters(index = "0", arity = "1..*", paramLabel = "ID",
            description = "A record to remove, relative to the stage or --scope.")
    List<String> ids;

    @Option(names = "--recursive", description = "Also remove the records under each ID (in its own scope).")
    boolean recursive;

    @Override
    @SuppressWarnings("try") // the progress spinner lives as long as the work
    int execute() {
        try (StageRef ref = stage()) {
            ref.requireScope();
            Map<String, Address> records = ref.records();
            List<Address> addresses = new ArrayList<>();
            for (String id : ids) {
                addresses.add(ref.resolve(id, records));
            }
            List<Address> removed;
            try (Progress progress = Progress.start(io, "removing from " + ref.name(), 0)) {
                removed = refusingAsUsage(() -> ref.asStage(io, "alchemy state rm").forget(addresses, recursive),
                        "'alchemy state list' shows the ids",
                        "--recursive removes the records under it too (their resources are not touched either)");
            }
            if (json) {
                ObjectNode o = Json.object();
                ArrayNode list = o.putArray("removed");
                removed.forEach(a -> list.add(a.fqn()));
                printJson(o);
            } else {
                removed.forEach(a -> io.out.println(io.paint("removed", "31") + " " + a.fqn()));
            }
            String how = ref.hasLog() ? " (forgotten events in the log)" : " (the store keeps no event log: no record of it)";
            summary("removed " + Words.count(removed.size(), "record") + " from " + ref.app + "/" + ref.stage + how
                    + "; the real resources were not touched, and the next deploy that declares them creates them again");
            return 0;
        }
    }
}
