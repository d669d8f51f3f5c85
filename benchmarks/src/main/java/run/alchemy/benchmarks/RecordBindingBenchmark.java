package run.alchemy.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import run.alchemy.engine.internal.StateSerde;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a no-op redeploy does with a resource whose props and output are records: the program's
 * props made a tree (to compare with the stored ones) and the stored output bound back to the
 * record, by the engine ({@code serde}: {@link StateSerde#toTree} and {@link StateSerde#fromTree},
 * which bind plain records themselves) and by the mapper alone ({@code mapper}: {@code
 * valueToTree} and {@code treeToValue}, the engine's path before).
 *
 * <p>{@code firstThousand}: the first 1,000 resources of a fresh JVM with the launcher's options
 * (C1 only, serial collector): what a deploy of 1,000 resources pays, the mapper's introspection
 * of the record type included. {@code steady}: one resource once the code is compiled.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RecordBindingBenchmark {
    /** A resource's props: the S3 benchmark's record (ten components, a list and a map among them). */
    public record Props(String name, String region, int size, int replicas, boolean enabled, double ratio,
                        List<String> tags, Map<String, String> labels, String description, String owner) {
    }

    @Param({"serde", "mapper"})
    public String path;

    private StateSerde serde;
    private ObjectMapper mapper;
    private int next;

    @Setup
    public void setup() {
        serde = new StateSerde();
        mapper = serde.mapper();
    }

    static Props props(int i) {
        return new Props("resource-" + i, "eu-west-" + (i % 3), i, i % 5, i % 2 == 0, i / 7.0,
                List.of("team-" + (i % 4), "tier-" + (i % 3)), Map.of("owner", "bench", "shard", Integer.toString(i % 16)),
                "Resource number " + i, null);
    }

    private int bindOne(int i) throws Exception {
        Props p = props(i);
        boolean engine = path.equals("serde");
        JsonNode tree = engine ? serde.toTree(p) : mapper.valueToTree(p);
        Props back = engine ? serde.fromTree(tree, Props.class) : mapper.treeToValue(tree, Props.class);
        return back.size();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 10, jvmArgsAppend = {"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms32m", "-Xmn8m"})
    public int firstThousand() throws Exception {
        int sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += bindOne(i);
        }
        return sum;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms32m", "-Xmn8m"})
    public int steady() throws Exception {
        return bindOne(next++ & 1023);
    }
}
