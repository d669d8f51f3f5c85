package run.alchemy.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import run.alchemy.api.Secret;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic benchmark workload (version 1), shared line by line with the Node harness
 * {@code benchmarks/node/workload.mjs} that drives the real Alchemy 0.94: everything is a pure
 * function of N, the resource index {@code i} and the variant {@code v} (see benchmarks/README.md).
 *
 * <p>Props are {@link LinkedHashMap}s in exactly the JS key order (Alchemy compares
 * {@code JSON.stringify} of the serialized props, so order matters). {@link #jsonLine} reproduces
 * {@code node gen-workload.mjs} byte for byte, so the sha256 of N lines can be cross-checked.
 */
public final class Workload {
    public static final int VERSION = 1;
    public static final String APP = "bench-app";
    public static final String STAGE = "bench";
    public static final String PASSWORD = "bench-password-0001";
    public static final String KIND = "bench::Thing";

    private static final String[] REGIONS = {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"};
    private static final String[] TIERS = {"free", "pro", "enterprise"};
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a secret prop is represented. */
    public enum Secrets {
        /** {@code apiKey} is a {@link Secret} (the workload as specified). */
        SECRET,
        /** {@code apiKey} is the plain string (the peer's {@code nosecrets} variant: same shape, no KDF). */
        PLAIN,
        /** {@code apiKey} is {@code {"@secret": plaintext}}: Alchemy's unencrypted serialized form (JSON lines). */
        MARKER
    }

    private Workload() {
    }

    /** Zero-padded 6-digit index: 42 → {@code 000042}. */
    public static String pad(int i) {
        String s = Integer.toString(i);
        return s.length() >= 6 ? s : "000000".substring(s.length()) + s;
    }

    public static String resourceId(int i) {
        return "res-" + pad(i);
    }

    /** 1 in 10 resources holds one secret (prop {@code apiKey}). */
    public static boolean hasSecret(int i) {
        return i % 10 == 0;
    }

    /** The 1% change set of workload c: {@code i % 100 == 1}, disjoint from the secret holders. */
    public static boolean inChangeSet(int i) {
        return i % 100 == 1;
    }

    public static String secretPlaintext(int i) {
        return "sk-" + pad(i) + "-0123456789abcdef";
    }

    /** Props of resource {@code i}, variant {@code v}; a fresh, mutable map each call. */
    public static Map<String, Object> props(int i, int variant, Secrets secrets) {
        String p = pad(i);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("name", "res-" + p);
        props.put("index", i);
        props.put("enabled", i % 2 == 0);
        props.put("region", REGIONS[i % 4]);
        props.put("tier", TIERS[i % 3]);
        props.put("revision", inChangeSet(i) ? variant : 0);
        props.put("tags", List.of("team-" + (i % 7), "env-" + (i % 3), "shard-" + (i % 16)));
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("host", "svc-" + p + ".internal");
        endpoint.put("port", 8000 + (i % 100));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("replicas", 1 + (i % 5));
        config.put("timeoutMs", 1000 * (1 + (i % 10)));
        config.put("endpoint", endpoint);
        props.put("config", config);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app", APP);
        labels.put("owner", "owner-" + (i % 13));
        props.put("labels", labels);
        props.put("description", "Benchmark resource " + p + " (bench::Thing)");
        if (hasSecret(i)) {
            String plaintext = secretPlaintext(i);
            props.put("apiKey", switch (secrets) {
                case SECRET -> Secret.of(plaintext);
                case PLAIN -> plaintext;
                case MARKER -> Map.of("@secret", plaintext);
            });
        }
        return props;
    }

    /**
     * A bigger props object for the micro-benchmarks ("big" shape): the workload's props plus
     * {@code extra} copies of its nested parts, 10 + 3·extra top-level fields.
     */
    public static Map<String, Object> bigProps(int i, int variant, Secrets secrets, int extra) {
        Map<String, Object> props = props(i, variant, secrets);
        for (int k = 0; k < extra; k++) {
            Map<String, Object> part = props(i + k + 1, 0, Secrets.PLAIN);
            props.put("config" + k, part.get("config"));
            props.put("tags" + k, part.get("tags"));
            props.put("note" + k, part.get("description"));
        }
        return props;
    }

    /**
     * One line of {@code gen-workload.mjs}: {@code {"i":…,"id":…,"kind":…,"secret":…,"changeSet":…,"props":{…}}},
     * compact, secrets as {@code {"@secret": plaintext}}, without the newline.
     */
    public static String jsonLine(int i, int variant) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("i", i);
        rec.put("id", resourceId(i));
        rec.put("kind", KIND);
        rec.put("secret", hasSecret(i));
        rec.put("changeSet", inChangeSet(i));
        rec.put("props", props(i, variant, Secrets.MARKER));
        try {
            return JSON.writeValueAsString(rec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All N lines, each followed by {@code \n}, as {@code node gen-workload.mjs --n N --variant V} prints them. */
    public static void writeJsonLines(int n, int variant, OutputStream out) throws IOException {
        for (int i = 0; i < n; i++) {
            out.write((jsonLine(i, variant) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Number of secret holders and of resources in the change set for N. */
    public static int secretHolders(int n) {
        return (n + 9) / 10;
    }

    public static int changeSetSize(int n) {
        return n <= 1 ? 0 : (n - 2) / 100 + 1;
    }
}
