package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import run.alchemy.engine.Address;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The record commands of {@code alchemy state}: list, show, export. */
final class StateRecords {
    private StateRecords() {
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        header = "The resources of the stage: id, kind, status.",
            description = "The resources of the stage (or of --scope, with everything below it): id relative to the"
                    + " scope, kind and status.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state list --app my-app --stage dev",
                    "  ./alchemy state list --scope child --json"})
    static final class ListCmd extends StateCommand.Base {
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
                    JsonNode record = ref.bytes(a).map(StateCommand::parseQuietly).orElse(null);
                    row.put("kind", record == null ? "?" : record.path("kind").asText("?"));
                    row.put("status", record == null ? "damaged" : record.path("status").asText("?"));
                    row.put("fqn", a.fqn());
                }
                if (json) {
                    printJson(list);
                } else {
                    int w = Math.max(2, records.keySet().stream().mapToInt(String::length).max().orElse(2));
                    int k = Math.max(4, StateCommand.stream(list).mapToInt(r -> r.path("kind").asText().length()).max().orElse(4));
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
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
        header = "One resource's record (secrets as <secret>, or --reveal).",
            description = "One resource's record as stored, with secrets shown as <secret> (or in plain text with"
                    + " --reveal). ID is relative to the stage or --scope, e.g. api or parent/child.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state show readme",
                    "  ALCHEMY_PASSWORD=pw ./alchemy state show api --reveal --json \\",
                    "      | jq -r .props.key"})
    static final class ShowCmd extends StateCommand.Base {
        @Parameters(index = "0", paramLabel = "ID", description = "The resource, relative to the stage or --scope.")
        String id;

        @Mixin
        SecretOptions secretOptions = new SecretOptions();

        @Override
        int execute() {
            Secrets secrets = Secrets.from(secretOptions, io, Secrets.Mode.MASK);
            try (StageRef ref = stage()) {
                ref.requireScope();
                TreeMap<String, Address> records = ref.records();
                Address a = records.get(id);
                if (a == null) {
                    throw CliException.usage("no resource \"" + id + "\" in " + ref.name() + StateCommand.near(id, records.keySet()),
                            "'alchemy state list' shows the ids");
                }
                String location = ref.locate(a);
                String text = new String(ref.bytes(a).orElseThrow(() -> CliException.failure(
                        location + " vanished while reading", null)), StandardCharsets.UTF_8);
                JsonNode record = secrets.apply(ref.read(a, text), location);
                if (!json) {
                    io.out.println(io.paint(a.fqn(), "1") + " (" + record.path("kind").asText("?") + ", "
                            + record.path("status").asText("?") + ")");
                }
                printJson(record);
                summary("shown " + a.fqn() + " from " + location + (secrets.mode() == Secrets.Mode.REVEAL
                        ? "; secrets revealed" : Secrets.has(ref.read(a, text)) ? "; secrets masked (--reveal shows them)" : ""));
                return 0;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
        header = "The stage as one JSON object: id -> record as stored.",
            description = {"The stage (or --scope) as one JSON object: each resource's id (relative, e.g. parent/child)"
                    + " mapped to its record exactly as stored, secrets encrypted. With --reveal, each {\"@secret\": …}"
                    + " is replaced by its plain value (a string, or the JSON value of an object secret) — such an"
                    + " export holds plain secrets and must not be imported.",
                    "The stage's own record (its pending deletions) is not part of it."},
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state export > dev.json",
                    "  ALCHEMY_PASSWORD=pw ./alchemy state export --reveal | jq .api.props"})
    static final class ExportCmd extends StateCommand.Base {
        @Mixin
        SecretOptions secretOptions = new SecretOptions();

        @Override
        boolean machineOutput() {
            return true;
        }

        @Override
        int execute() {
            Secrets secrets = Secrets.from(secretOptions, io, Secrets.Mode.KEEP);
            try (StageRef ref = stage()) {
                ref.requireScope();
                TreeMap<String, Address> records = ref.records();
                Map<String, String> texts = new LinkedHashMap<>();
                records.forEach((key, a) -> ref.bytes(a).ifPresent(b -> texts.put(key, new String(b, StandardCharsets.UTF_8))));
                ObjectNode out = exportShape(ref, texts, secrets, io, "exporting " + ref.name());
                printJson(out);
                summary("exported " + Words.count(out.size(), "record") + " of " + ref.name() + (secrets.mode() == Secrets.Mode.REVEAL
                        ? " with secrets revealed" : " (secrets encrypted, as stored)"));
                return 0;
            }
        }
    }

    /** Records (relative key → stored text) as an export-shaped object, secrets as {@code secrets} says. */
    static ObjectNode exportShape(StageRef ref, Map<String, String> texts, Secrets secrets, Io io, String label) {
        ObjectNode out = Json.object();
        try (Progress progress = Progress.start(io, label, texts.size())) {
            for (Map.Entry<String, String> e : texts.entrySet()) {
                String location = ref.name() + "/" + e.getKey();
                JsonNode record;
                try {
                    record = Json.MAPPER.readTree(e.getValue());
                } catch (IOException x) {
                    throw CliException.failure(location + ": the stored record is not valid JSON", null);
                }
                out.set(e.getKey(), secrets.apply(record, location));
                progress.step(e.getKey());
            }
        }
        return out;
    }
}
