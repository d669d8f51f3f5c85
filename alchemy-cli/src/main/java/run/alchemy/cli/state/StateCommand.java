package run.alchemy.cli.state;

import picocli.CommandLine.Command;

/**
 * {@code alchemy state …}: read, export, import, verify and repair a stage's state and history. The parent
 * command only: each subcommand is a class of this package, on {@link StateSubcommand}.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        header = "Inspect, export, import, verify and repair a stage's state and history.",
        description = {"Inspect and repair the state of a stage: its records (as Alchemy stores them), its event log"
                + " (history, runs, diffs, replay), verification against the log, and maintenance.",
                "Every command takes --store URI (default fs:.alchemy), --app, --stage and --scope A/B; read commands"
                        + " and rm, mv and restore take --json. rm, mv and restore repair the state only: the real"
                        + " resources are not touched. Secrets show as <secret> unless --reveal is given with the"
                        + " password (--password-env NAME, default ALCHEMY_PASSWORD)."},
        subcommands = {ListCommand.class, ShowCommand.class, ExportCommand.class, ImportCommand.class,
                HistoryCommand.class, RunsCommand.class, DiffCommand.class, ReplayCommand.class, VerifyCommand.class,
                RebuildCommand.class, UnlockCommand.class, RotatePasswordCommand.class, RmCommand.class,
                MvCommand.class, RestoreCommand.class, TimelineCommand.class, AppsCommand.class, StagesCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./alchemy state apps                 what the store holds, with counts",
                "  ./alchemy state list --app my-app --stage dev",
                "  ALCHEMY_PASSWORD=pw ./alchemy state show api --reveal",
                "  ./alchemy state export --stage dev > dev.json",
                "  ./alchemy state import dev.json --app my-app --stage dev-copy",
                "  ./alchemy state runs --json | jq '.[-1].counts'",
                "  ./alchemy state replay --at 12       the stage at log position 12",
                "  ./alchemy state verify || ./alchemy state rebuild",
                "  ./alchemy state rm child --recursive    forget records, keep the resources",
                "  ./alchemy state mv readme docs          after renaming a resource",
                "  ./alchemy state restore --at 12 --dry-run",
                "  ./alchemy state timeline --out timeline.html   the history as one page"})
public final class StateCommand {
}
