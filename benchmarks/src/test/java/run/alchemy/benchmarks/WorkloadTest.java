package run.alchemy.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java generator reproduces the Node one ({@code node benchmarks/node/gen-workload.mjs}) byte
 * for byte: the sha256 of its JSON lines are the cross-check hashes published with the workload.
 */
class WorkloadTest {

    private static String sha256(int n, int variant) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
            Workload.writeJsonLines(n, variant, out);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void n1000Variant0MatchesTheNodeGenerator() throws Exception {
        assertEquals("47ac390b882bfb80c9e6660ba049b8ad688571bebcafd10490772b628a77ad28", sha256(1000, 0));
    }

    @Test
    void n1000Variant1MatchesTheNodeGenerator() throws Exception {
        assertEquals("ab1f325a2ff8ce1f32ad40874b3431bb8ce04a32628846f0bbcdf8c0cbd49064", sha256(1000, 1));
    }

    @Test
    void n10000MatchesTheNodeGenerator() throws Exception {
        assertEquals("b10536848d09a8fe2ce4c55e329af09ef4f79a0bda6fe89dd15962f819682c04", sha256(10000, 0));
        assertEquals("7cac88c070ff648262b9c21e4e602425e7eb87e665db0a1ca81ca12f5b0b288e", sha256(10000, 1));
    }

    @Test
    void firstLineIsAsDocumented() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Workload.writeJsonLines(1, 0, out);
        assertEquals("{\"i\":0,\"id\":\"res-000000\",\"kind\":\"bench::Thing\",\"secret\":true,\"changeSet\":false,"
                + "\"props\":{\"name\":\"res-000000\",\"index\":0,\"enabled\":true,\"region\":\"us-east-1\","
                + "\"tier\":\"free\",\"revision\":0,\"tags\":[\"team-0\",\"env-0\",\"shard-0\"],"
                + "\"config\":{\"replicas\":1,\"timeoutMs\":1000,\"endpoint\":{\"host\":\"svc-000000.internal\","
                + "\"port\":8000}},\"labels\":{\"app\":\"bench-app\",\"owner\":\"owner-0\"},"
                + "\"description\":\"Benchmark resource 000000 (bench::Thing)\","
                + "\"apiKey\":{\"@secret\":\"sk-000000-0123456789abcdef\"}}}\n", out.toString());
    }

    @Test
    void countsAndVariants() {
        assertEquals(100, Workload.secretHolders(1000));
        assertEquals(10, Workload.changeSetSize(1000));
        assertEquals(1000, Workload.secretHolders(10000));
        assertEquals(100, Workload.changeSetSize(10000));
        int changed = 0;
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> a = Workload.props(i, 0, Workload.Secrets.SECRET);
            Map<String, Object> b = Workload.props(i, 1, Workload.Secrets.SECRET);
            if (!a.get("revision").equals(b.get("revision"))) {
                changed++;
                assertTrue(Workload.inChangeSet(i));
                assertFalse(Workload.hasSecret(i));
            }
        }
        assertEquals(10, changed);
        assertEquals(10, Workload.props(0, 0, Workload.Secrets.PLAIN).size() - 1);
        assertEquals(10, Workload.props(1, 0, Workload.Secrets.PLAIN).size());
    }
}
