package run.alchemy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code alchemy <command>}: exit code 0 on success, 1 on failure, 2 on a usage error. */
@Command(name = "alchemy", mixinStandardHelpOptions = true, version = "alchemy-java 0.1.0",
        description = "The Alchemy state engine for the JVM.",
        subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            if (System.getenv("ALCHEMY_VERBOSE") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }
}
