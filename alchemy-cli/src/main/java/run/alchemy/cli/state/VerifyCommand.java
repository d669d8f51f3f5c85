package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;
import run.alchemy.engine.History;
import run.alchemy.engine.VerifyReport;
import run.alchemy.engine.VerifyReport.Finding;
import run.alchemy.engine.VerifyReport.Kind;

import java.util.List;
import java.util.Locale;

/** {@code alchemy state verify}: the stored snapshots against the fold of the event log. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Compare the snapshots with the event log (exit 1: differ).",
        description = {"Compares the stored snapshots with the fold of the event log. Exit code 1 when they differ,"
                + " with each record that does and why:",
                "  behind   an interrupted run left a change past the projection mark: the next run or"
                        + " 'state rebuild' projects it;",
                "  changed  a valid record written, edited or deleted outside the log (the JSON pointers that"
                        + " differ): a run adopts it when it reads it, 'state rebuild' restores the log's version;",
                "  damaged  the stored bytes are not a state record: runs refuse it and never adopt it,"
                        + " 'state rebuild' restores the log's version."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state verify", "  ./alchemy state verify --json || ./alchemy state rebuild"})
final class VerifyCommand extends StateSubcommand {
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
                printJson(json(report, ref));
            } else {
                section(Kind.BEHIND, "behind the log (an interrupted run left them to project: the next run or"
                        + " 'state rebuild' projects them)", report, ref);
                section(Kind.CHANGED, "changed outside the log (a run adopts them when it reads them;"
                        + " 'state rebuild' restores the log's version)", report, ref);
                section(Kind.DAMAGED, "damaged (not a state record: runs refuse them; 'state rebuild' restores"
                        + " the log's version)", report, ref);
            }
            String where = ref.app + "/" + ref.stage;
            if (report.ok()) {
                summary("verified " + where + ": " + Words.count(report.checked(), "record")
                        + (report.checked() == 1 ? " matches" : " match") + " the event log");
                return 0;
            }
            summary("verify failed for " + where + ": " + report.of(Kind.BEHIND).size() + " behind, "
                    + report.of(Kind.CHANGED).size() + " changed, " + report.of(Kind.DAMAGED).size() + " damaged of "
                    + Words.count(report.checked(), "record") + " in the log (" + report.missing().size()
                    + " missing, " + report.different().size() + " different, " + report.untracked().size()
                    + " untracked)");
            io.err.println(io.paintErr("hint:", "2") + " 'alchemy state rebuild' rewrites every snapshot the log"
                    + " knows from it; untracked records are adopted when a run reads them");
            return 1;
        }
    }

    private void section(Kind kind, String title, VerifyReport report, StageRef ref) {
        List<Finding> findings = report.of(kind);
        if (findings.isEmpty()) {
            return;
        }
        io.out.println(io.paint(title + ":", "1;31"));
        for (Finding f : findings) {
            io.out.println("  " + f.address().fqn() + "  " + ref.locate(f.address()) + "  " + detail(f));
        }
    }

    private static String detail(Finding f) {
        if (f.problem() != null) {
            return f.problem();
        }
        return switch (f.difference()) {
            case MISSING -> "missing from the store";
            case UNTRACKED -> "untracked (unknown to the log)";
            case DIFFERENT -> f.pointers().isEmpty() ? "different bytes, same values"
                    : "different at " + String.join(", ", f.pointers());
        };
    }

    private static ObjectNode json(VerifyReport report, StageRef ref) {
        ObjectNode o = Json.object();
        o.put("ok", report.ok());
        o.put("log", true);
        o.put("checked", report.checked());
        o.put("projected", report.projected());
        o.put("head", report.head());
        ArrayNode records = o.putArray("records");
        for (Finding f : report.findings()) {
            ObjectNode r = records.addObject();
            r.put("id", ref.key(f.address())); // null outside the selected scope (the stage's own record)
            r.put("fqn", f.address().fqn());
            r.put("location", ref.locate(f.address()));
            r.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
            r.put("difference", f.difference().name().toLowerCase(Locale.ROOT));
            ArrayNode pointers = r.putArray("pointers");
            f.pointers().forEach(pointers::add);
            r.put("problem", f.problem());
        }
        o.set("missing", fqns(report.missing()));
        o.set("different", fqns(report.different()));
        o.set("untracked", fqns(report.untracked()));
        return o;
    }

    /** The addresses' fqns, as a JSON list. */
    static ArrayNode fqns(List<Address> addresses) {
        ArrayNode list = Json.NODES.arrayNode();
        addresses.forEach(a -> list.add(a.fqn()));
        return list;
    }
}
