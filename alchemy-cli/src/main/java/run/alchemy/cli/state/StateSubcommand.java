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
}
