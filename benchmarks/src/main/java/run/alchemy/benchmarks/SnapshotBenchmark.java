package run.alchemy.benchmarks;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One state record written and read as the engine does it ({@link StateSerde#writeRecord}:
 * JSON.stringify(record, null, 2) byte for byte, secrets sealed; {@link StateSerde#readRecord}:
 * parse, revive tags, JS key order, secrets opened), against raw Jackson on the same bytes/tree.
 *
 * <p>The records are real: a created {@code bench::Thing} deployed through the public API
 * ({@code plain} = resource 1, ~1.3 KB; {@code secret} = resource 0, whose {@code apiKey} is sealed in
 * props and output; {@code big} = resource 1 with {@link Workload#bigProps} 40 fields, ~6 KB).
 * The codec is warm (its derived key cached), as in a running deploy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SnapshotBenchmark {
    @Param({"plain", "secret", "big"})
    public String shape;

    private StateSerde serde;
    private SecretCodec codec;
    private String id;
    private String location;
    private String fqn;
    private byte[] bytes;
    private ObjectNode record;
    private ObjectNode recordWithNewSecret;
    private ObjectMapper plain;
    private ObjectWriter plainPretty;
    private JsonNode plainTree;

    @Setup
    public void setup() throws IOException {
        int i = shape.equals("secret") ? 0 : 1;
        id = Workload.resourceId(i);
        location = Fixtures.location(id);
        fqn = Fixtures.fqn(id);
        Map<String, Object> props = shape.equals("big") ? Workload.bigProps(i, 0, Workload.Secrets.SECRET, 10)
                : Workload.props(i, 0, Workload.Secrets.SECRET);
        bytes = Fixtures.deployedRecord(id, props);
        serde = new StateSerde();
        codec = new SecretCodec(Workload.PASSWORD);
        record = serde.readRecord(bytes, location, codec);
        // as written after a program supplied the secret anew: the props' secret is sealed (AES) on write
        recordWithNewSecret = record.deepCopy();
        recordWithNewSecret.set("props", serde.toTree(props));
        plain = new ObjectMapper();
        plainPretty = plain.writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
        plainTree = plain.readTree(bytes);
    }

    /** Parse + deserialize one record (secrets opened with the warm codec). */
    @Benchmark
    public ObjectNode readRecord() {
        return serde.readRecord(bytes, location, codec);
    }

    /** Serialize one record read from state (an unchanged secret keeps its envelope: no crypto). */
    @Benchmark
    public byte[] writeRecord() {
        return serde.writeRecord(record, fqn, codec);
    }

    /** Serialize one record whose props hold a program-supplied Secret (sealed anew: AES-GCM, cached key). */
    @Benchmark
    public byte[] writeRecordNewSecret() {
        return serde.writeRecord(recordWithNewSecret, fqn, codec);
    }

    /** Baseline: raw Jackson {@code readTree} of the same bytes. */
    @Benchmark
    public JsonNode jacksonReadTree() throws IOException {
        return plain.readTree(bytes);
    }

    /** Baseline: raw Jackson pretty {@code writeValueAsBytes} of the same (plain) tree. */
    @Benchmark
    public byte[] jacksonWriteBytes() throws IOException {
        return plainPretty.writeValueAsBytes(plainTree);
    }
}
