package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import run.alchemy.cli.Progress;
import run.alchemy.cli.SecretOptions;
import run.alchemy.cli.Secrets;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;
import run.alchemy.engine.History;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code alchemy state replay --at POSITION|TIME}: the stage as it was then, folded from the log. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        header = "The stage as it was at a log position or time.",
        description = "The stage (or --scope) as it was at a log position or time, folded from the event log, in"
                + " the shape 'state export' prints (secrets as stored, or plain with --reveal).",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state replay --at 12",
                "  ./alchemy state replay --at 2025-06-01T12:00:00Z > then.json"})
final class ReplayCommand extends StateSubcommand {
    @Option(names = "--at", required = true, paramLabel = "POSITION|TIME",
            description = "A log position (see 'state runs'; past the head: the head) or an ISO-8601 time, e.g."
                    + " 2025-06-01T12:00:00Z.")
    String at;

    @Mixin
    SecretOptions secretOptions = new SecretOptions();

    @Override
    boolean machineOutput() {
        return true;
    }

    @Override
    @SuppressWarnings("try") // the progress spinner lives as long as the work
    int execute() {
        Secrets secrets = Secrets.from(secretOptions, io, Secrets.Mode.KEEP);
        try (StageRef ref = stage()) {
            ref.requireLog("replay");
            Map<Address, String> state;
            long head;
            try (History history = ref.history(); Progress progress = Progress.start(io, "replaying the log of "
                    + ref.app + "/" + ref.stage, 0)) {
                head = history.head();
                Optional<Instant> time = LogPoints.time(at);
                if (time.isPresent()) {
                    state = history.stateAt(time.get());
                } else {
                    long p = LogPoints.position(history, at, "--at", true);
                    state = history.stateAt(p);
                }
            }
            Map<String, String> texts = new TreeMap<>();
            state.forEach((a, text) -> {
                String key = ref.key(a);
                if (key != null) {
                    texts.put(key, text);
                }
            });
            ObjectNode out = ExportCommand.exportShape(ref, texts, secrets, io, "rendering " + ref.name());
            printJson(out);
            summary("replayed " + ref.name() + " at " + at + ": " + Words.count(out.size(), "record") + " (the log's head is "
                    + head + ")");
            return 0;
        }
    }
}
