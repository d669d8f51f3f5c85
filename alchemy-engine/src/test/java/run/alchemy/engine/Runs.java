package run.alchemy.engine;

import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Opens runs of one app on a temporary .alchemy directory and snapshots the files it holds. */
final class Runs {
    static final String PASSWORD = "test-password";
    final Path root;
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    Runs(Path dir) {
        this.root = dir.resolve(".alchemy");
    }

    Stage builder(String stage, Phase phase) {
        outcomes.clear();
        return Alchemy.app("app").stage(stage).phase(phase).password(PASSWORD)
                .environment(Map.of())
                .stateStore(new FileSystemStateStore(root))
                .listener(outcomes::add);
    }

    Alchemy up() {
        return builder("dev", Phase.UP).open();
    }

    List<String> actions() {
        return outcomes.stream().map(o -> o.action().tag() + " " + o.fqn()).toList();
    }

    Path file(String relative) {
        return root.resolve(relative);
    }

    String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file of Alchemy's state (not alchemy-java's event log) with its content, for comparisons. */
    Map<String, String> snapshot() {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(root)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(p -> !root.relativize(p).startsWith(".alchemy-java"))
                    .toList()) {
                files.put(root.relativize(p).toString(), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
