package run.alchemy.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.openjdk.jmh.infra.Blackhole;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.secrets.SecretFailure;

import java.util.concurrent.TimeUnit;

/**
 * v1 secrets (scrypt N=16384 r=8 p=1 → AES-256-GCM) with {@link SecretCodec}, as workload e of the
 * Node harness: {@code count} plaintexts {@code "sk-" + pad(i) + "-0123456789abcdef"}.
 *
 * <ul>
 *   <li>{@code *Cold}: the process-wide key cache forgotten first, so its scrypt is paid (a codec seals every value
 *       under one salt, so that is one scrypt per {@code count} values);</li>
 *   <li>{@code *Warm}: the same codec: derived key cached (and opened envelopes cached);</li>
 *   <li>{@code openForeignSalt}: one envelope under a salt the codec has never seen (every envelope
 *       Alchemy writes has its own salt): one scrypt + one AES-GCM, the unit cost of reading a
 *       state written by Alchemy.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SecretCodecBenchmark {
    @Param({"200"})
    public int count;

    private String[] plaintexts;
    private SecretCodec warm;
    private JsonNode[] envelopes;
    private JsonNode foreign;

    @Setup
    public void setup() throws SecretFailure {
        plaintexts = new String[count];
        for (int i = 0; i < count; i++) {
            plaintexts[i] = Workload.secretPlaintext(i);
        }
        warm = new SecretCodec(Workload.PASSWORD);
        envelopes = new JsonNode[count];
        for (int i = 0; i < count; i++) {
            envelopes[i] = warm.seal(plaintexts[i], false);
        }
        foreign = new SecretCodec(Workload.PASSWORD).seal(plaintexts[0], false);
    }

    @Benchmark
    public void sealCold(Blackhole bh) throws SecretFailure {
        SecretCodec.forgetDerivedKeys();
        SecretCodec codec = new SecretCodec(Workload.PASSWORD);
        for (String p : plaintexts) {
            bh.consume(codec.seal(p, false));
        }
    }

    @Benchmark
    public void sealWarm(Blackhole bh) throws SecretFailure {
        for (String p : plaintexts) {
            bh.consume(warm.seal(p, false));
        }
    }

    @Benchmark
    public void openCold(Blackhole bh) throws SecretFailure {
        SecretCodec.forgetDerivedKeys();
        SecretCodec codec = new SecretCodec(Workload.PASSWORD);
        for (JsonNode e : envelopes) {
            bh.consume(codec.open(e));
        }
    }

    @Benchmark
    public void openWarm(Blackhole bh) throws SecretFailure {
        for (JsonNode e : envelopes) {
            bh.consume(warm.open(e));
        }
    }

    @Benchmark
    public SecretCodec.Opened openForeignSalt() throws SecretFailure {
        SecretCodec.forgetDerivedKeys();
        return new SecretCodec(Workload.PASSWORD).open(foreign);
    }
}
