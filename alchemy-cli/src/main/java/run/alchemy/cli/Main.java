package run.alchemy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.ProviderException;
import run.alchemy.api.SecretException;
import run.alchemy.api.StageChangedException;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StateNotFoundException;
import run.alchemy.api.StoreException;
import run.alchemy.cli.state.StateCommand;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** {@code alchemy <command>}: exit code 0 on success, 1 on failure, 2 on a usage error. */
@Command(name = "alchemy", mixinStandardHelpOptions = true, version = "alchemy-java 0.1.0 (state engine of Alchemy 0.94)",
        description = "The Alchemy state engine for the JVM: deploy stacks of files and values, inspect and repair state.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./alchemy demo                      deploy, change, destroy a stack of files",
                "  ./alchemy deploy --file stack.json  deploy a declarative stack",
                "  ./alchemy state list --stage dev    the resources of a stage",
                "  ./alchemy state runs --json         the runs that wrote to it, for scripts",
                "  source <(./alchemy completion)      tab completion in bash or zsh",
                "",
                "Exit codes: 0 done; 1 the work failed; 2 the command line or an input it names is wrong.",
                "Colours only on a terminal (--no-color or NO_COLOR=1 turn them off); --verbose shows stack traces."})
public final class Main {
    @Option(names = "--no-color", scope = ScopeType.INHERIT,
            description = "No colours, even on a terminal (NO_COLOR is respected too).")
    boolean noColor;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show the stack trace of an error.")
    boolean verbose;

    /**
     * The commands a run may name, in the order help lists them. A run that names one of
     * {@link #ALONE} gets only that one: picocli builds every command's model by reflection when the
     * command line is made, a fifth of a cold start's main thread for a {@code deploy} before this.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();
    private static final Set<String> ALONE = Set.of("demo", "deploy", "state");

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("demo", DemoCommand::new);
        commands.put("deploy", DeployCommand::new);
        commands.put("state", StateCommand::new);
        commands.put("completion", CompletionCommand::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return Collections.unmodifiableMap(commands);
    }

    /** The top command, its options not yet parsed; {@link #main} makes one per run. */
    public Main() {
    }

    /**
     * Runs one command and exits the JVM with its code: 0 done, 1 the work failed, 2 the command line
     * or an input it names is wrong.
     *
     * @param args the command line after {@code alchemy}, such as {@code deploy --file stack.json}
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return run(Io.system(), args);
    }

    static int run(Io io, String... args) {
        Io.set(io);
        try {
            CommandLine cli = commandLine(args);
            cli.setOut(new PrintWriter(io.out, true));
            cli.setErr(new PrintWriter(io.err, true));
            cli.setUsageHelpAutoWidth(true);
            cli.setExecutionStrategy(parsed -> {
                io.noColor = matched(parsed, "--no-color");
                io.verbose = matched(parsed, "--verbose") || io.env("ALCHEMY_VERBOSE") != null;
                return new CommandLine.RunLast().execute(parsed);
            });
            cli.setParameterExceptionHandler((e, arguments) -> {
                CommandLine cmd = e.getCommandLine();
                error(io, e.getMessage(), null);
                if (e instanceof CommandLine.UnmatchedArgumentException u) {
                    u.printSuggestions(new PrintWriter(io.err, true));
                }
                io.err.println(io.paintErr("hint:", "2") + " '" + cmd.getCommandSpec().qualifiedName() + " --help'"
                        + " shows the options and examples");
                return CliException.USAGE;
            });
            cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(io, e, cmd.getCommandSpec().qualifiedName()));
            return cli.execute(args);
        } finally {
            io.out.flush();
            io.err.flush();
            Io.set(null);
        }
    }

    /**
     * The command line for {@code args}: every command, or only the one they name when it is one of
     * {@link #ALONE} (its help, errors and suggestions are the same; the top command's are not asked).
     */
    static CommandLine commandLine(String... args) {
        String named = null;
        for (String arg : args) {
            if (!arg.startsWith("-")) { // the top command's options take no value
                named = arg;
                break;
            }
        }
        boolean alone = named != null && ALONE.contains(named);
        CommandLine cli = new CommandLine(new Main());
        for (Map.Entry<String, Supplier<Object>> command : COMMANDS.entrySet()) {
            if (!alone || command.getKey().equals(named)) {
                cli.addSubcommand(command.getKey(), command.getValue().get());
            }
        }
        return cli;
    }

    private static boolean matched(ParseResult parsed, String option) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    /** One line saying what went wrong, one hint, the exit code; the stack trace only with --verbose. */
    static int report(Io io, Throwable e, String command) {
        int code = CliException.FAILURE;
        String hint;
        if (e instanceof CliException c) {
            code = c.exitCode;
            hint = c.hint != null ? c.hint : code == CliException.USAGE
                    ? "'" + command + " --help' shows the options and examples" : "--verbose shows the stack trace";
        } else if (e instanceof StageLockedException) {
            hint = "wait for that run, or if it is gone: alchemy state unlock <lock id> (with the same --store/--app/--stage)";
        } else if (e instanceof StageChangedException) {
            hint = "run it again: it reads the new state (in Java, lockTimeout(...) makes concurrent runs take turns)";
        } else if (e instanceof SecretException) {
            hint = "check the password: --password-env NAME names the variable holding it (default ALCHEMY_PASSWORD)";
        } else if (e instanceof StateCorruptedException) {
            hint = "the file named above is damaged; 'alchemy state verify' compares the snapshots with the event log,"
                    + " 'alchemy state rebuild' rewrites them from it";
        } else if (e instanceof StateNotFoundException) {
            hint = "deploy it first with --phase up";
        } else if (e instanceof InvalidIdException) {
            code = CliException.USAGE;
            hint = "ids and scope names are path segments: no '.' or '..' segments, no leading '/', no control characters";
        } else if (e instanceof ProviderException) {
            hint = "nothing was finalized: records of resources not yet declared are kept; fix the cause and deploy again";
        } else if (e instanceof ConfigurationException && String.valueOf(e.getMessage()).contains("no provider for kind")) {
            hint = "the stage holds resources of a kind this command cannot delete; the built-in kinds are "
                    + String.join(", ", Stack.KINDS.keySet()) + " (a Java program with that provider can)";
        } else if (e instanceof StoreException) {
            hint = "check that the store is reachable and writable; --verbose shows the stack trace";
        } else {
            hint = "--verbose shows the stack trace";
        }
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        error(io, message, hint);
        if (io.verbose) {
            e.printStackTrace(io.err);
        }
        return code;
    }

    private static void error(Io io, String message, String hint) {
        io.out.flush();
        io.err.println(io.paintErr("error:", "1;31") + " " + oneLine(message));
        if (hint != null) {
            io.err.println(io.paintErr("hint:", "2") + " " + hint);
        }
        io.err.flush();
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
