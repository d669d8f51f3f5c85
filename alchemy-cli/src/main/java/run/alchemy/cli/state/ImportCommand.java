package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.Secrets;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;
import run.alchemy.engine.ImportReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code alchemy state import FILE}: writes the records of an export into a stage, as a run of its own. */
@Command(name = "import", mixinStandardHelpOptions = true,
        header = "Write the records of an export into a stage.",
        description = {"Writes the records of an export-shaped JSON file (id → record, as 'state export' prints"
                + " it without --reveal) into the stage or --scope, as Alchemy's files, byte for byte.",
                "The import is a run of its own, under the stage lock: each new or changed record becomes an"
                        + " imported event in the event log, then its snapshot is written from it, as a deploy's"
                        + " writes are. Every record is checked before anything is written. The stage may be new"
                        + " (give --app and --stage); a stage locked by a running deploy is refused."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state export --app my-app --stage dev > dev.json",
                "  ./alchemy state import dev.json --app my-app --stage dev-copy"})
final class ImportCommand extends StateSubcommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "An export-shaped JSON file.")
    Path file;

    @Override
    int execute() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CliException.usage("no file " + file, "import takes a file written by 'alchemy state export'");
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage(), null);
        }
        JsonNode tree = Json.parse(bytes, file.toString(), "import takes the JSON object printed by 'alchemy state export'");
        if (!tree.isObject()) {
            throw importFault("$", "expected an object mapping resource ids to records, found " + Json.typeName(tree));
        }
        try (StageRef ref = StageRef.open(target, io, false)) {
            Map<Address, JsonNode> records = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = tree.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = Json.path("$", e.getKey());
                records.put(checked(ref, e.getKey(), e.getValue(), p), e.getValue());
            }
            Map<Address, byte[]> texts = new LinkedHashMap<>();
            records.forEach((a, record) -> texts.put(a, Json.pretty(record).getBytes(StandardCharsets.UTF_8)));
            ImportReport report;
            try (Progress progress = Progress.start(io, "importing into " + ref.name(), 0)) {
                report = ref.asStage(io, "alchemy state import").importRecords(file.toString(), texts);
            }
            int added = report.added();
            int replaced = report.replaced();
            int unchanged = report.unchanged();
            if (json) {
                ObjectNode o = Json.object();
                o.put("added", added);
                o.put("replaced", replaced);
                o.put("unchanged", unchanged);
                printJson(o);
            }
            String then = added + replaced == 0 ? "nothing changed"
                    : ref.hasLog() ? "each change is an imported event in the log"
                    : "written to the store (it keeps no event log)";
            summary("imported " + Words.count(records.size(), "record") + " into " + ref.name() + ": " + added
                    + " new, " + replaced + " replaced, " + unchanged + " unchanged; " + then);
            return 0;
        }
    }

    private Address checked(StageRef ref, String key, JsonNode record, String p) {
        if (key.isEmpty()) {
            throw importFault(p, "an empty id");
        }
        if (!record.isObject()) {
            throw importFault(p, "expected a record (an object), found " + Json.typeName(record));
        }
        JsonNode kind = record.get("kind");
        if (kind == null || !kind.isTextual() || kind.textValue().isEmpty()) {
            throw importFault(Json.path(p, "kind"), "a record needs its kind (a string)");
        }
        JsonNode id = record.get("id");
        if (id != null && !id.isTextual()) {
            throw importFault(Json.path(p, "id"), "expected a string, found " + Json.typeName(id));
        }
        Address a = ref.address(key, id == null ? null : id.textValue());
        if (a == null) {
            throw importFault(Json.path(p, "id"), "the key \"" + key + "\" must be the id \"" + id.textValue()
                    + "\", or a scope path ending in /" + id.textValue());
        }
        for (String segment : a.chain()) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.chars().anyMatch(c -> c < 0x20)) {
                throw importFault(p, "\"" + key + "\" is not a valid path of scopes and an id");
            }
        }
        JsonNode revealed = record.get(Secrets.REVEALED);
        if (revealed != null) {
            // named by pointer only: the values are the very secrets that must not be stored, or printed
            throw importFault(Json.path(p, Secrets.REVEALED), "this record was exported with --reveal: its secrets "
                    + (revealed.isArray() && !revealed.isEmpty() ? "(at " + String.join(", ", texts(revealed)) + ") " : "")
                    + "are in plain text, and importing it would store them unencrypted; import the output of"
                    + " 'alchemy state export' without --reveal");
        }
        String masked = masked(record, "");
        if (masked != null) {
            throw importFault(p, "\"" + Secrets.MASKED + "\" at " + masked + ": a masked record cannot be"
                    + " imported; use the output of 'alchemy state export' (without --reveal)");
        }
        return a;
    }

    private static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The JSON pointer of a {@code "<secret>"} placeholder, or null. */
    private static String masked(JsonNode node, String pointer) {
        if (node.isTextual() && Secrets.MASKED.equals(node.textValue())) {
            return pointer;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String found = masked(e.getValue(), pointer + "/" + e.getKey());
            if (found != null) {
                return found;
            }
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            String found = masked(node.get(i), pointer + "/" + i);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private CliException importFault(String path, String message) {
        return CliException.usage(file + ": " + path + ": " + message,
                "import takes the JSON object printed by 'alchemy state export'");
    }
}
