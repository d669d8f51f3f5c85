package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** {@code alchemy state list}: the resources of the stage or scope, with kind and status. */
@Command(name = "list", mixinStandardHelpOptions = true,
        header = "The resources of the stage: id, kind, status.",
        description = "The resources of the stage (or of --scope, with everything below it): id relative to the"
                + " scope, kind and status.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state list --app my-app --stage dev",
                "  ./alchemy state list --scope child --json"})
final class ListCommand extends StateSubcommand {
    @Override
    int execute() {
        try (StageRef ref = stage()) {
            ref.requireScope();
            TreeMap<String, Address> records = ref.records();
            ArrayNode list = Json.NODES.arrayNode();
            for (Map.Entry<String, Address> e : records.entrySet()) {
                Address a = e.getValue();
                ObjectNode row = list.addObject();
                row.put("id", e.getKey());
                row.put("scope", String.join("/", a.chain()));
                JsonNode record = ref.bytes(a).map(ListCommand::parseQuietly).orElse(null);
                row.put("kind", record == null ? "?" : record.path("kind").asText("?"));
                row.put("status", record == null ? "damaged" : record.path("status").asText("?"));
                row.put("fqn", a.fqn());
            }
            if (json) {
                printJson(list);
            } else {
                int w = Math.max(2, records.keySet().stream().mapToInt(String::length).max().orElse(2));
                int k = Math.max(4, stream(list).mapToInt(r -> r.path("kind").asText().length()).max().orElse(4));
                io.out.println(io.paint(String.format("%-" + w + "s  %-" + k + "s  %s", "ID", "KIND", "STATUS"), "2"));
                for (JsonNode r : list) {
                    io.out.println(String.format("%-" + w + "s  %-" + k + "s  %s", r.get("id").asText(),
                            r.get("kind").asText(), r.get("status").asText()));
                }
            }
            summary(Words.count(records.size(), "resource") + " in " + ref.name()
                    + " (" + ref.uri + ")");
            return 0;
        }
    }

    private static JsonNode parseQuietly(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private static Stream<JsonNode> stream(ArrayNode list) {
        List<JsonNode> out = new ArrayList<>();
        list.forEach(out::add);
        return out.stream();
    }
}
