package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;
import run.alchemy.engine.History;
import run.alchemy.engine.VerifyReport;
import run.alchemy.engine.VerifyReport.Difference;
import run.alchemy.engine.VerifyReport.Finding;
import run.alchemy.engine.VerifyReport.Kind;

import java.util.List;

/** {@code alchemy state rebuild}: rewrites the stored snapshots from the event log. */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        header = "Rewrite the snapshots from the event log.",
        description = "Rewrites the stored snapshots from the event log (taking the stage lock), as a run's start"
                + " does and more: what an interrupted run left behind is projected, records changed outside the"
                + " log or damaged get the log's version; records the log never knew are left alone. Nothing is"
                + " appended to the log.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state verify || ./alchemy state rebuild"})
final class RebuildCommand extends StateSubcommand {
    @Override
    @SuppressWarnings("try") // the progress spinner lives as long as the work
    int execute() {
        try (StageRef ref = stage()) {
            ref.requireLog("rebuild from");
            int written;
            VerifyReport before;
            try (History history = ref.history(); Progress progress = Progress.start(io, "rebuilding "
                    + ref.app + "/" + ref.stage + " from its log", 0)) {
                before = history.verify();
                written = history.rebuild();
            }
            List<Address> leftAlone = before.findings().stream()
                    .filter(f -> f.difference() == Difference.UNTRACKED && f.kind() != Kind.BEHIND)
                    .map(Finding::address).toList();
            long matched = before.checked() - before.findings().stream()
                    .filter(f -> f.difference() != Difference.UNTRACKED).count();
            if (json) {
                ObjectNode o = Json.object();
                o.put("written", written);
                o.put("checked", before.checked());
                o.set("untracked", VerifyCommand.fqns(leftAlone));
                printJson(o);
            }
            summary("rebuilt " + ref.app + "/" + ref.stage + ": " + Words.count(written, "snapshot") + " rewritten from the log, "
                    + matched + " already matched" + (leftAlone.isEmpty() ? ""
                    : ", " + leftAlone.size() + " untracked left alone"));
            return 0;
        }
    }
}
