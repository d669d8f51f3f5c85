package run.alchemy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import run.alchemy.engine.Address;
import run.alchemy.engine.History;
import run.alchemy.engine.VerifyReport;
import java.util.List;

/** The {@code alchemy state verify} and {@code rebuild} commands: the snapshots against the event log. */
final class StateVerify {
    private StateVerify() {
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Compare the snapshots with the event log (exit 1: differ).",
            description = "Compares the stored snapshots with the fold of the event log. Exit code 1 when they differ:"
                    + " records missing from the store, different from the log, or unknown to it.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state verify", "  ./alchemy state verify --json || ./alchemy state rebuild"})
    static final class VerifyCmd extends StateCommand.Base {
        @Override
        @SuppressWarnings("try") // the progress spinner lives as long as the work
        int execute() {
            try (StageRef ref = stage()) {
                if (!ref.hasLog()) {
                    if (json) {
                        ObjectNode o = Json.object();
                        o.put("ok", true);
                        o.put("log", false);
                        printJson(o);
                    }
                    summary("nothing to verify: " + ref.app + "/" + ref.stage + " has no event log yet ("
                            + StageRef.noLogHint() + ")");
                    return 0;
                }
                VerifyReport report;
                try (History history = ref.history(); Progress progress = Progress.start(io, "verifying "
                        + ref.app + "/" + ref.stage, 0)) {
                    report = history.verify();
                }
                if (json) {
                    ObjectNode o = Json.object();
                    o.put("ok", report.ok());
                    o.put("log", true);
                    o.put("checked", report.checked());
                    o.set("missing", fqns(report.missing()));
                    o.set("different", fqns(report.different()));
                    o.set("untracked", fqns(report.untracked()));
                    printJson(o);
                } else {
                    section("missing from the store (the log has them)", report.missing(), ref);
                    section("different from the log", report.different(), ref);
                    section("untracked (in the store, unknown to the log)", report.untracked(), ref);
                }
                String where = ref.app + "/" + ref.stage;
                if (report.ok()) {
                    summary("verified " + where + ": " + Words.count(report.checked(), "record")
                            + (report.checked() == 1 ? " matches" : " match") + " the event log");
                    return 0;
                }
                summary("verify failed for " + where + ": " + report.missing().size() + " missing, "
                        + report.different().size() + " different, " + report.untracked().size() + " untracked of "
                        + Words.count(report.checked(), "record") + " in the log");
                io.err.println(io.paintErr("hint:", "2") + " 'alchemy state rebuild' rewrites missing and different"
                        + " snapshots from the log; untracked records are adopted when a run reads them");
                return 1;
            }
        }

        private void section(String title, List<Address> addresses, StageRef ref) {
            if (addresses.isEmpty()) {
                return;
            }
            io.out.println(io.paint(title + ":", "1;31"));
            for (Address a : addresses) {
                io.out.println("  " + a.fqn() + "  " + ref.locate(a));
            }
        }
    }

    private static ArrayNode fqns(List<Address> addresses) {
        ArrayNode list = Json.NODES.arrayNode();
        addresses.forEach(a -> list.add(a.fqn()));
        return list;
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
        header = "Rewrite the snapshots from the event log.",
            description = "Rewrites the stored snapshots from the event log (taking the stage lock): missing and"
                    + " different records get the log's version; records the log never knew are left alone.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state verify || ./alchemy state rebuild"})
    static final class RebuildCmd extends StateCommand.Base {
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
                if (json) {
                    ObjectNode o = Json.object();
                    o.put("written", written);
                    o.put("checked", before.checked());
                    o.set("untracked", fqns(before.untracked()));
                    printJson(o);
                }
                summary("rebuilt " + ref.app + "/" + ref.stage + ": " + Words.count(written, "snapshot") + " rewritten from the log, "
                        + (before.checked() - written) + " already matched" + (before.untracked().isEmpty() ? ""
                        : ", " + before.untracked().size() + " untracked left alone"));
                return 0;
            }
        }
    }
}
