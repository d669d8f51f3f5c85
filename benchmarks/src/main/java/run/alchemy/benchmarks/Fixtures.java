package run.alchemy.benchmarks;

import run.alchemy.engine.Alchemy;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Real state records for the micro-benchmarks: deployed through the public API, read back as bytes. */
final class Fixtures {
    private Fixtures() {
    }

    /** A state file as the engine writes it for a created {@code bench::Thing} with these props. */
    static byte[] deployedRecord(String id, Map<String, Object> props) {
        Path dir;
        try {
            dir = Files.createTempDirectory("alchemy-bench-fixture-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path state = dir.resolve(".alchemy");
            ThingProvider thing = new ThingProvider();
            Alchemy.app(Workload.APP).stage(Workload.STAGE).password(Workload.PASSWORD)
                    .stateStore(new FileSystemStateStore(state)).provider(thing)
                    .run(app -> app.apply(id, thing, props));
            return Files.readAllBytes(state.resolve(Workload.APP).resolve(Workload.STAGE).resolve(id + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind
            }
        }
    }

    /** Where the record lives, for error messages (as the store would say). */
    static String location(String id) {
        return ".alchemy/" + Workload.APP + "/" + Workload.STAGE + "/" + id + ".json";
    }

    static String fqn(String id) {
        return Workload.APP + "/" + Workload.STAGE + "/" + id;
    }
}
