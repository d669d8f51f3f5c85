package run.alchemy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.RotationReport;

import java.util.Optional;

/** The lock and password commands of {@code alchemy state}: unlock, rotate-password. */
final class StateMaintenance {
    private StateMaintenance() {
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true,
        header = "Release the stage lock of a run that is gone.",
            description = "Releases the stage lock of a run that is gone (as Terraform's force-unlock). Needs the lock"
                    + " id, which the 'stage … is locked by …' error and this command without LOCK_ID show.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state unlock                  who holds the lock",
                    "  ./alchemy state unlock 3f2a9c1e-…       release it"})
    static final class UnlockCmd extends StateCommand.Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "LOCK_ID", description = "The id of the lock to release.")
        String lockId;

        @Override
        int execute() {
            try (StageRef ref = stage()) {
                String where = ref.app + "/" + ref.stage;
                if (!ref.hasLog()) {
                    summary(where + " is not locked (it has no event log)");
                    return 0;
                }
                try (History history = ref.history()) {
                    Optional<LockHolder> holder = history.lockHolder();
                    if (holder.isEmpty()) {
                        if (json) {
                            printJson(Json.object().put("locked", false));
                        }
                        summary(where + " is not locked");
                        return 0;
                    }
                    LockHolder h = holder.get();
                    if (lockId == null) {
                        if (json) {
                            ObjectNode o = Json.object().put("locked", true).put("lockId", h.lockId());
                            if (h.isDamaged()) {
                                o.put("damaged", h.damage());
                            } else {
                                o.put("runId", h.runId()).put("user", h.user()).put("host", h.host()).put("pid", h.pid())
                                        .put("since", h.since().toString()).put("expires", h.expires().toString());
                            }
                            printJson(o);
                        }
                        throw CliException.usage(where + " is locked by " + h.describe()
                                + (h.expired() && !h.isDamaged() ? " (expired)" : "")
                                + "; unlock needs its lock id", "alchemy state unlock " + h.lockId()
                                + " — only if that run is really gone");
                    }
                    if (!history.forceUnlock(lockId)) {
                        throw CliException.failure("lock id " + lockId + " does not hold " + where + "; it is held by "
                                + h.describe(), "give the lock id shown here");
                    }
                    if (json) {
                        printJson(Json.object().put("locked", false).put("released", lockId));
                    }
                    summary("unlocked " + where + (h.isDamaged() ? " (cleared a damaged lease)"
                            : " (was held by run " + h.runId() + " of " + h.user() + "@" + h.host() + ")"));
                    return 0;
                }
            }
        }
    }

    @Command(name = "rotate-password", mixinStandardHelpOptions = true,
        header = "Re-encrypt every secret under a new password.",
            description = "Re-encrypts every secret of the stage under a new password. Everything is decrypted with the"
                    + " old password first, so a wrong one changes nothing. The old password comes from"
                    + " --password-env (default ALCHEMY_PASSWORD), the new one from --new-password-env.",
            footerHeading = "%nExamples:%n",
            footer = {"  NEW_PW=… ./alchemy state rotate-password --new-password-env NEW_PW \\",
                    "      --dry-run",
                    "  NEW_PW=… ./alchemy state rotate-password --new-password-env NEW_PW"})
    static final class RotatePasswordCmd extends StateCommand.Base {
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
                    report = Alchemy.app(ref.app).stage(ref.stage).password(old).environment(io.env)
                            .program("alchemy state rotate-password").stateStore(Stores.open(ref.uri))
                            .rotatePassword(next, dryRun);
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
}
