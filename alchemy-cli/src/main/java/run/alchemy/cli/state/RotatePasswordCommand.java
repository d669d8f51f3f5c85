package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.RotationReport;

/** {@code alchemy state rotate-password}: re-encrypts every secret of the stage under a new password. */
@Command(name = "rotate-password", mixinStandardHelpOptions = true,
        header = "Re-encrypt every secret under a new password.",
        description = "Re-encrypts every secret of the stage under a new password. Everything is decrypted with the"
                + " old password first, so a wrong one changes nothing. The old password comes from"
                + " --password-env (default ALCHEMY_PASSWORD), the new one from --new-password-env.",
        footerHeading = "%nExamples:%n",
        footer = {"  NEW_PW=… ./alchemy state rotate-password --new-password-env NEW_PW \\",
                "      --dry-run",
                "  NEW_PW=… ./alchemy state rotate-password --new-password-env NEW_PW"})
final class RotatePasswordCommand extends StateSubcommand {
    @Option(names = "--new-password-env", required = true, paramLabel = "NAME",
            description = "The environment variable holding the new password.")
    String newPasswordEnv;

    @Option(names = "--password-env", paramLabel = "NAME", defaultValue = "ALCHEMY_PASSWORD",
            description = "The environment variable holding the current password (default: ${DEFAULT-VALUE}).")
    String passwordEnv;

    @Option(names = "--dry-run", description = "Check that every secret opens and count them; write nothing.")
    boolean dryRun;

    @Override
    @SuppressWarnings("try") // the progress spinner lives as long as the work
    int execute() {
        String old = io.env(passwordEnv);
        if (old == null) {
            throw CliException.usage("rotating needs the current password, and " + passwordEnv + " is not set",
                    "set " + passwordEnv + ", or name the variable that holds it with --password-env NAME");
        }
        String next = io.env(newPasswordEnv);
        if (next == null) {
            throw CliException.usage("the new password's variable " + newPasswordEnv + " is not set", null);
        }
        try (StageRef ref = stage()) {
            RotationReport report;
            try (Progress progress = Progress.start(io, (dryRun ? "checking " : "rotating ") + ref.app + "/"
                    + ref.stage, 0)) {
                report = ref.asStage(io, "alchemy state rotate-password").password(old).rotatePassword(next, dryRun);
            }
            if (json) {
                ObjectNode o = Json.object();
                o.put("dryRun", report.dryRun());
                o.put("scanned", report.recordsScanned());
                o.put("secrets", report.secrets());
                ArrayNode list = o.putArray("records");
                report.rotated().forEach(list::add);
                printJson(o);
            } else {
                report.rotated().forEach(r -> io.out.println("  " + r));
            }
            summary((report.dryRun() ? "dry run: would re-encrypt " : "re-encrypted ") + Words.count(report.secrets(), "secret")
                    + " in " + Words.count(report.rotated().size(), "record") + " ("
                    + Words.count(report.recordsScanned(), "record") + " read) of " + ref.app + "/" + ref.stage);
            return 0;
        }
    }
}
