package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.engine.History;

import java.util.Optional;

/** {@code alchemy state unlock [LOCK_ID]}: shows or releases the stage lock of a run that is gone. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        header = "Release the stage lock of a run that is gone.",
        description = "Releases the stage lock of a run that is gone (as Terraform's force-unlock). Needs the lock"
                + " id, which the 'stage … is locked by …' error and this command without LOCK_ID show.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state unlock                  who holds the lock",
                "  ./alchemy state unlock 3f2a9c1e-…       release it"})
final class UnlockCommand extends StateSubcommand {
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
