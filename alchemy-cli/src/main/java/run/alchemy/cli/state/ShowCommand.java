package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import run.alchemy.cli.CliException;
import run.alchemy.cli.SecretOptions;
import run.alchemy.cli.Secrets;
import run.alchemy.cli.StageRef;
import run.alchemy.engine.Address;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/** {@code alchemy state show ID}: one resource's record as stored, secrets masked or revealed. */
@Command(name = "show", mixinStandardHelpOptions = true,
        header = "One resource's record (secrets as <secret>, or --reveal).",
        description = "One resource's record as stored, with secrets shown as <secret> (or in plain text with"
                + " --reveal). ID is relative to the stage or --scope, e.g. api or parent/child.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state show readme",
                "  ALCHEMY_PASSWORD=pw ./alchemy state show api --reveal --json \\",
                "      | jq -r .props.key"})
final class ShowCommand extends StateSubcommand {
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
                throw CliException.usage("no resource \"" + id + "\" in " + ref.name() + near(id, records.keySet()),
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

    /** A hint naming the ids like {@code id}, for a resource that is not there. */
    private static String near(String id, Collection<String> ids) {
        List<String> close = ids.stream().filter(k -> k.contains(id) || id.contains(k)).limit(5).toList();
        if (!close.isEmpty()) {
            return " (did you mean " + String.join(", ", close) + "?)";
        }
        return ids.isEmpty() ? " (it has no resources)" : "";
    }
}
