package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.StateNotFoundException;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Io;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Target;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

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

    /**
     * Runs a repair of the engine (forget, move, restore), turning its refusals into usage errors (exit 2): a
     * record that is not there ({@link StateNotFoundException}, whose message names it and the nearest ids of
     * its scope) and a request it turns down ({@link ConfigurationException}, whose message says why). The
     * engine checks both before it writes anything, the lock included.
     */
    static <T> T refusingAsUsage(Supplier<T> repair, String notFoundHint, String refusedHint) {
        try {
            return repair.get();
        } catch (StateNotFoundException e) {
            throw CliException.usage(e.getMessage(), notFoundHint, e);
        } catch (ConfigurationException e) {
            throw CliException.usage(e.getMessage(), refusedHint, e);
        }
    }

    /** The stage's name and, when {@code --scope} is given, a usage error: {@code what} works on the whole stage. */
    String wholeStage(StageRef ref, String what) {
        if (ref.chain.size() > 2) {
            throw CliException.usage(what + " works on the whole stage, not on a scope (--scope "
                    + String.join("/", ref.chain.subList(2, ref.chain.size())) + ")", "leave out --scope");
        }
        return ref.app + "/" + ref.stage;
    }
}
