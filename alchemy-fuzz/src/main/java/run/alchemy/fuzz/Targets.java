package run.alchemy.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every fuzz target, in the order {@code benchmarks/fuzz} runs them. A target is a class with
 * Jazzer's entry point {@code public static void fuzzerTestOneInput(byte[])}; its seed corpus is
 * {@code src/test/resources/corpus/<simple name>/}.
 */
public final class Targets {
    /** The targets' class names. */
    public static final List<String> ALL = List.of(
            "run.alchemy.fuzz.RecordTarget",
            "run.alchemy.fuzz.TreeParserTarget",
            "run.alchemy.fuzz.SecretTarget",
            "run.alchemy.fuzz.EventTarget",
            "run.alchemy.fuzz.SegmentTarget",
            "run.alchemy.fuzz.LogObjectTarget",
            "run.alchemy.engine.internal.state.IndexTarget",
            "run.alchemy.cli.StackTarget",
            "run.alchemy.fuzz.StoreUriTarget",
            "run.alchemy.fuzz.WorkerAnswerTarget",
            "run.alchemy.fuzz.CloudflareAnswerTarget");

    /** The system property {@code benchmarks/fuzz} sets to the corpus directory, for {@link #warmUp}. */
    public static final String CORPUS_PROPERTY = "alchemy.fuzz.corpus";

    private Targets() {
    }

    /**
     * Runs a target over its seeds before fuzzing starts (Jazzer's {@code fuzzerInitialize}), so
     * that loading and instrumenting the classes the seeds reach is not charged to the first
     * input as a hang. What the seeds break is reported when the fuzzer runs them again.
     *
     * @param target     the target's entry point
     * @param simpleName the target's simple class name, its corpus directory's name
     */
    public static void warmUp(Consumer<byte[]> target, String simpleName) {
        String corpus = System.getProperty(CORPUS_PROPERTY);
        if (corpus == null) {
            return;
        }
        try (Stream<Path> seeds = Files.list(Path.of(corpus, simpleName))) {
            for (Path seed : seeds.toList()) {
                try {
                    target.accept(Files.readAllBytes(seed));
                } catch (RuntimeException ignored) {
                    // reported when the fuzzer runs the seed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The entry point of a target.
     *
     * @param className one of {@link #ALL}
     * @return its {@code fuzzerTestOneInput(byte[])}
     * @throws ReflectiveOperationException if the class or its entry point is missing
     */
    public static MethodHandle entryPoint(String className) throws ReflectiveOperationException {
        return MethodHandles.publicLookup().findStatic(Class.forName(className), "fuzzerTestOneInput",
                MethodType.methodType(void.class, byte[].class));
    }
}
