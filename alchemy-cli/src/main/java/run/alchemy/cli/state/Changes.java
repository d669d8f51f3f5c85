package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.cli.Io;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.engine.Change;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Changes of records as {@code state diff} prints them, and {@code state restore} too. Text: a line each,
 * {@code added|removed|changed FQN/POINTER: …} (the word coloured). JSON: an array of {@code {"id", "fqn",
 * "pointer", "change", "secret", "before", "after"}}. A secret is only said to have changed.
 */
final class Changes {
    private Changes() {
    }

    static void print(List<Change> changes, Io io) {
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

    static ArrayNode json(List<Change> changes, StageRef ref) {
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
        return list;
    }

    private static JsonNode parseQuietlyOrText(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.NODES.textNode(text);
        }
    }
}
