package run.alchemy.fuzz;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import run.alchemy.api.StateCorruptedException;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The committed seed corpus (real records, log lines and batches, indexes, stack files, store
 * URIs, secret envelopes, worker and Cloudflare answers, and every input a fuzzing run found and
 * that was fixed) through every target, as regression tests: each input must keep the rule of
 * {@link Rule}. The fuzzer's hang limit is a second; here it is five, so that a loaded build
 * machine does not fail a test that is no hang.
 */
class CorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/corpus");
    private static final Duration LIMIT = Duration.ofSeconds(5);

    @TestFactory
    Stream<DynamicContainer> everySeedKeepsTheRule() {
        return Targets.ALL.stream().map(name -> {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            List<Path> seeds = seeds(CORPUS.resolve(simple));
            return DynamicContainer.dynamicContainer(simple, seeds.stream().map(seed ->
                    DynamicTest.dynamicTest(seed.getFileName().toString(), () -> {
                        MethodHandle target = Targets.entryPoint(name);
                        byte[] input = Files.readAllBytes(seed);
                        assertTimeoutPreemptively(LIMIT, () -> {
                            target.invokeExact(input);
                        }, seed::toString);
                    })));
        });
    }

    @Test
    void everyTargetHasSeedsAndAnEntryPoint() throws Exception {
        for (String name : Targets.ALL) {
            Targets.entryPoint(name);
            String simple = name.substring(name.lastIndexOf('.') + 1);
            assertFalse(seeds(CORPUS.resolve(simple)).isEmpty(), "no seeds for " + simple);
        }
        try (Stream<Path> dirs = Files.list(CORPUS)) {
            assertEquals(Targets.ALL.size(), dirs.count(), "a corpus directory without a target in Targets.ALL");
        }
    }

    @Test
    void aTypedErrorThatNamesNothingIsAFinding() {
        Rule.typed("a.json", () -> {
            throw new StateCorruptedException("state/a.json", "bad");
        });
        assertThrows(Rule.Finding.class, () -> Rule.typed("a.json", () -> {
            throw new StateCorruptedException("state/b.json", "bad");
        }));
        assertThrows(IllegalArgumentException.class, () -> Rule.typed("a.json", () -> {
            throw new IllegalArgumentException("a.json");
        }));
    }

    private static List<Path> seeds(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
