package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Io;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.SecretOptions;
import run.alchemy.cli.Secrets;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** {@code alchemy state export}: the stage or scope as one export-shaped JSON object. */
@Command(name = "export", mixinStandardHelpOptions = true,
        header = "The stage as one JSON object: id -> record as stored.",
        description = {"The stage (or --scope) as one JSON object: each resource's id (relative, e.g. parent/child)"
                + " mapped to its record exactly as stored, secrets encrypted. With --reveal, each {\"@secret\": …}"
                + " is replaced by its plain value (a string, or the JSON value of an object secret), and each"
                + " such record lists where in \"@revealed\" — such an export holds plain secrets, and 'state"
                + " import' refuses it.",
                "The stage's own record (its pending deletions) is not part of it."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state export > dev.json",
                "  ALCHEMY_PASSWORD=pw ./alchemy state export --reveal | jq .api.props"})
final class ExportCommand extends StateSubcommand {
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
                JsonNode shown = secrets.apply(record, location);
                java.util.List<String> plain = secrets.mode() == Secrets.Mode.REVEAL ? Secrets.pointers(record) : java.util.List.of();
                if (!plain.isEmpty() && shown.isObject()) {
                    // marked, so that 'state import' refuses it rather than storing the secrets unencrypted
                    plain.forEach(((ObjectNode) shown).putArray(Secrets.REVEALED)::add);
                }
                out.set(e.getKey(), shown);
                progress.step(e.getKey());
            }
        }
        return out;
    }
}
