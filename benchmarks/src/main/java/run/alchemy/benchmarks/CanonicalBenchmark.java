package run.alchemy.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The skip decision: Alchemy's "changed or not" = canonical JSON of the stored props (as read
 * from state) equals canonical JSON of the program's props ({@link StateSerde#canonical}), decided
 * by walking both trees ({@link StateSerde#sameCanonical}), and the steps it is made of, against
 * raw Jackson serialization of the same (plain JSON) trees.
 *
 * <p>{@code shape}: {@code workload} = the workload's 10-field props (resource 1, or resource 0
 * for {@code secret}); {@code big} = the same plus 30 more fields ({@link Workload#bigProps}, 40
 * top-level fields, ~2.5 KB of JSON). {@code props}: {@code equal} = program props equal to
 * the stored ones (skip); {@code leaf} = one leaf differs ({@code revision} 0 → 1: update);
 * {@code secret} = equal props holding a secret ({@code apiKey}: sealed in state, a
 * {@code Secret} in the program). The stored props come from a record deployed through the
 * public API and read back with {@link StateSerde#readRecord}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CanonicalBenchmark {
    @Param({"workload", "big"})
    public String shape;

    @Param({"equal", "leaf", "secret"})
    public String props;

    private StateSerde serde;
    private String fqn;
    private Map<String, Object> program;
    private JsonNode programTree;
    private JsonNode storedTree;
    private ObjectMapper plain;
    private JsonNode plainProgram;
    private JsonNode plainStored;
    private byte[] plainBytes;

    @Setup
    public void setup() throws JsonProcessingException {
        int i = props.equals("secret") ? 0 : 1;
        int programVariant = props.equals("leaf") ? 1 : 0;
        String id = Workload.resourceId(i);
        fqn = Fixtures.fqn(id);
        boolean big = shape.equals("big");
        Map<String, Object> deployed = big ? Workload.bigProps(i, 0, Workload.Secrets.SECRET, 10)
                : Workload.props(i, 0, Workload.Secrets.SECRET);
        program = big ? Workload.bigProps(i, programVariant, Workload.Secrets.SECRET, 10)
                : Workload.props(i, programVariant, Workload.Secrets.SECRET);
        serde = new StateSerde();
        byte[] record = Fixtures.deployedRecord(id, deployed);
        storedTree = serde.readRecord(record, Fixtures.location(id), new SecretCodec(Workload.PASSWORD)).get("props");
        programTree = serde.toTree(program);
        plain = new ObjectMapper();
        // the same trees as plain JSON (secrets as their plaintext, as canonical writes them)
        plainProgram = plain.readTree(serde.canonical(programTree, fqn));
        plainStored = plain.readTree(serde.canonical(storedTree, fqn));
        plainBytes = plain.writeValueAsBytes(plainProgram);
        boolean same = decision();
        if (same != !props.equals("leaf")) {
            throw new IllegalStateException("unexpected decision " + same + " for " + props);
        }
    }

    /** The program's props (a LinkedHashMap) to a tree in serialized shape. */
    @Benchmark
    public JsonNode toTree() {
        return serde.toTree(program);
    }

    /** Canonical JSON of one props tree. */
    @Benchmark
    public String canonical() {
        return serde.canonical(programTree, fqn);
    }

    /**
     * "Changed or not" as the engine decides it: {@link StateSerde#sameCanonical} of the stored and
     * the program's trees (both given), equal by definition to {@link #decisionTexts}.
     */
    @Benchmark
    public boolean decision() {
        return serde.sameCanonical(storedTree, programTree, fqn);
    }

    /** The definition: canonical(stored) equals canonical(program), both texts built. */
    @Benchmark
    public boolean decisionTexts() {
        return Objects.equals(serde.canonical(storedTree, fqn), serde.canonical(programTree, fqn));
    }

    /** What apply pays per resource for the decision: toTree of the program's props, then the decision. */
    @Benchmark
    public boolean decisionFromProgram() {
        JsonNode tree = serde.toTree(program);
        return serde.sameCanonical(storedTree, tree, fqn);
    }

    /** Baseline: raw Jackson serialization of the same tree (plain JSON) to a String. */
    @Benchmark
    public String jacksonWriteString() throws JsonProcessingException {
        return plain.writeValueAsString(plainProgram);
    }

    /** Baseline: raw Jackson serialization of the same tree to bytes. */
    @Benchmark
    public byte[] jacksonWriteBytes() throws JsonProcessingException {
        return plain.writeValueAsBytes(plainProgram);
    }

    /** Baseline decision: raw Jackson bytes of both trees, compared. */
    @Benchmark
    public boolean jacksonDecision() throws JsonProcessingException {
        return Arrays.equals(plain.writeValueAsBytes(plainStored), plain.writeValueAsBytes(plainProgram));
    }

    /** Baseline: raw Jackson parse of the compact props JSON. */
    @Benchmark
    public JsonNode jacksonReadTree() throws java.io.IOException {
        return plain.readTree(plainBytes);
    }
}
