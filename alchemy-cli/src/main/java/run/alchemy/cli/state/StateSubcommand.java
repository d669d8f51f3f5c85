package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import run.alchemy.cli.Io;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Target;

import java.util.concurrent.Callable;

/** What every {@code alchemy state} subcommand shares: the target, --json, the output helpers. */
abstract class StateSubcommand implements Callable<Integer> {
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

    /**
     * For a read command on a stage without an event log: prints an empty JSON list (with --json) and
     * says there is nothing, as {@code "no <what>: …"}.
     *
     * @return true when the stage has no log (the command is done), false when it has one
     */
    boolean saidNoLog(StageRef ref, String what) {
        if (ref.hasLog()) {
            return false;
        }
        if (json) {
            printJson(Json.NODES.arrayNode());
        }
        summary("no " + what + ": " + ref.app + "/" + ref.stage + " has no event log yet (" + StageRef.noLogHint() + ")");
        return true;
    }
}
