package run.alchemy.cli.state;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import run.alchemy.cli.CliException;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.History;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** {@code alchemy state timeline --out FILE.html}: the stage's history as one page ({@link TimelinePage}). */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        header = "Write the stage's history as one self-contained HTML page.",
        description = "Writes one HTML page that needs no network to render: the stage's runs on a timeline (actor,"
                + " phase, outcome, counts, duration, program), each opening to the records it changed, every"
                + " resource's own history, the lock holder, and whether the snapshots match the log. Secret values"
                + " are never in it. The file is written whole or not at all.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state timeline --out timeline.html", "  ./alchemy state timeline --stage prod --out prod.html"})
final class TimelineCommand extends StateSubcommand {
    @Option(names = "--out", paramLabel = "FILE.html", required = true, description = "Where to write the page.")
    Path out;

    @Override
    int execute() throws IOException {
        try (StageRef ref = stage()) {
            ref.requireLog("draw");
            String page;
            int runs;
            try (History history = ref.history()) {
                page = TimelinePage.render(ref.app + "/" + ref.stage, history);
                runs = history.runs().size();
            }
            Path target = out.toAbsolutePath();
            Path dir = target.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw CliException.usage("cannot write " + out + ": no folder " + dir, "create the folder first");
            }
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, page, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            summary("wrote " + out + ": " + Words.count(runs, "run") + " of " + ref.app + "/" + ref.stage);
            return 0;
        }
    }
}
