package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** {@code alchemy state diff FROM TO}: what changed between two points of the log. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        header = "What changed between two log positions or times.",
        description = "What changed between two points of the log (positions, or ISO-8601 times): JSON pointers"
                + " into each record; secrets are only said to have changed.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state diff 0 12        everything up to position 12",
                "  ./alchemy state diff 2025-06-01T00:00:00Z 2025-06-02T00:00:00Z --json"})
final class DiffCommand extends StateSubcommand {
    @Parameters(index = "0", paramLabel = "FROM", description = "A log position or an ISO-8601 time.")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "A log position or an ISO-8601 time.")
    String to;

    @Override
    int execute() {
        try (StageRef ref = stage()) {
            ref.requireLog("diff");
            List<Change> changes;
            long a;
            long b;
            try (History history = ref.history()) {
                a = LogPoints.position(history, from, "FROM");
                b = LogPoints.position(history, to, "TO");
                changes = history.diff(a, b).stream().filter(c -> ref.covers(c.address())).toList();
            }
            if (json) {
                ArrayNode list = Json.NODES.arrayNode();
                for (Change c : changes) {
                    ObjectNode o = list.addObject();
                    o.put("id", ref.key(c.address())); // null for the stage's own record
                    o.put("fqn", c.address().fqn());
                    o.put("pointer", c.pointer());
                    o.put("change", c.kind().name().toLowerCase(Locale.ROOT));
                    o.put("secret", c.secret());
                    o.set("before", c.before() == null ? Json.NODES.nullNode() : parseQuietlyOrText(c.before()));
                    o.set("after", c.after() == null ? Json.NODES.nullNode() : parseQuietlyOrText(c.after()));
                }
                printJson(list);
            } else {
                for (Change c : changes) {
                    String code = switch (c.kind()) {
                        case ADDED -> "32";
                        case REMOVED -> "31";
                        case CHANGED -> "33";
                    };
                    String text = c.toString();
                    int space = text.indexOf(' ');
                    io.out.println(io.paint(text.substring(0, space), code) + text.substring(space));
                }
            }
            summary(Words.count(changes.size(), "change") + " in " + ref.name() + " from position " + a + " to " + b);
            return 0;
        }
    }

    private static JsonNode parseQuietlyOrText(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.NODES.textNode(text);
        }
    }
}
