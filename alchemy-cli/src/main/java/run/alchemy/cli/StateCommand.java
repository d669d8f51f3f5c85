package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code alchemy state …}: read, export, import, verify and repair a stage's state and history. */
@Command(name = "state", mixinStandardHelpOptions = true,
        header = "Inspect, export, import, verify and repair a stage's state and history.",
        description = {"Inspect and repair the state of a stage: its records (as Alchemy stores them), its event log"
                + " (history, runs, diffs, replay), verification against the log, and maintenance.",
                "Every command takes --store URI (default fs:.alchemy), --app, --stage and --scope A/B; read commands"
                        + " take --json. Secrets show as <secret> unless --reveal is given with the password"
                        + " (--password-env NAME, default ALCHEMY_PASSWORD)."},
        subcommands = {StateRecords.ListCmd.class, StateRecords.ShowCmd.class, StateRecords.ExportCmd.class,
                StateImport.ImportCmd.class, StateHistory.HistoryCmd.class, StateHistory.RunsCmd.class,
                StateHistory.DiffCmd.class, StateHistory.ReplayCmd.class, StateVerify.VerifyCmd.class,
                StateVerify.RebuildCmd.class, StateMaintenance.UnlockCmd.class, StateMaintenance.RotatePasswordCmd.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./alchemy state list --app my-app --stage dev",
                "  ALCHEMY_PASSWORD=pw ./alchemy state show api --reveal",
                "  ./alchemy state export --stage dev > dev.json",
                "  ./alchemy state import dev.json --app my-app --stage dev-copy",
                "  ./alchemy state runs --json | jq '.[-1].counts'",
                "  ./alchemy state replay --at 12       the stage at log position 12",
                "  ./alchemy state verify || ./alchemy state rebuild"})
final class StateCommand {

    /** What every state command shares: the target, --json, the output helpers. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = "--json", description = "Print JSON, for scripts.")
        boolean json;

        Io io;

        @Override
        public final Integer call() throws Exception {
            io = Io.current();
            return execute();
        }

        abstract int execute() throws Exception;

        /** Whether stdout carries JSON (then the summary goes to stderr). */
        boolean machineOutput() {
            return json;
        }

        void summary(String line) {
            if (machineOutput()) {
                io.err.println(line);
            } else {
                io.out.println(io.paint(line, "1"));
            }
        }

        void printJson(JsonNode node) {
            io.out.println(Json.pretty(node));
        }

        StageRef stage() {
            return StageRef.open(target, io, true);
        }
    }

    // ------------------------------------------------------------------ helpers

    static JsonNode parseQuietly(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    static JsonNode parseQuietlyOrText(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.NODES.textNode(text);
        }
    }

    static java.util.stream.Stream<JsonNode> stream(ArrayNode list) {
        List<JsonNode> out = new ArrayList<>();
        list.forEach(out::add);
        return out.stream();
    }

    static String near(String id, java.util.Collection<String> ids) {
        List<String> close = ids.stream().filter(k -> k.contains(id) || id.contains(k)).limit(5).toList();
        if (!close.isEmpty()) {
            return " (did you mean " + String.join(", ", close) + "?)";
        }
        return ids.isEmpty() ? " (it has no resources)" : "";
    }
}
