package run.alchemy.store.s3;

import run.alchemy.store.s3.testkit.LocalS3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Alchemy 0.94 deploying {@link S3Benchmark}'s resources on the same S3 server through
 * alchemy-interop/node/deploy.mjs (its S3StateStore, client pointed at the server, path-style,
 * and the one-level listing without which its finalize fails on S3; see deploy.mjs). The build
 * installs the pinned package (alchemy-interop/node/install.sh).
 */
final class RealAlchemyOnS3 {
    private static final Path NODE_DIR = Path.of("alchemy-interop", "node");

    private RealAlchemyOnS3() {
    }

    /** One round on a fresh bucket: wall times of cold deploy, no-op redeploy and destroy, whole processes. */
    static Map<String, Long> round(LocalS3 s3, int n) throws IOException {
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("alchemy"))) {
            throw new IllegalStateException("the real Alchemy is not installed: run alchemy-interop/node/install.sh");
        }
        String bucket = s3.newBucket();
        Path work = Files.createTempDirectory("alchemy-s3-bench");
        Path stack = work.resolve("stack.json");
        Files.writeString(stack, stack(n));
        Map<String, Long> times = new LinkedHashMap<>();
        times.put("cold deploy", deploy(s3, bucket, stack, work, false));
        times.put("no-op redeploy", deploy(s3, bucket, stack, work, false));
        times.put("destroy", deploy(s3, bucket, stack, work, true));
        return times;
    }

    /** The same props as the Java side's, as alchemy::Value resources; secrets from the environment. */
    private static String stack(int n) {
        StringBuilder b = new StringBuilder("{\"app\": \"bench\", \"stage\": \"dev\", \"resources\": [\n");
        for (int i = 0; i < n; i++) {
            b.append(String.format(java.util.Locale.ROOT, "{\"id\": \"resource-%d\", \"kind\": \"alchemy::Value\", \"props\": "
                            + "{\"name\": \"resource-%d\", \"region\": \"eu-west-%d\", \"size\": %d, \"replicas\": %d, "
                            + "\"enabled\": %b, \"ratio\": %s, \"tags\": [\"team-%d\", \"tier-%d\"], "
                            + "\"labels\": {\"owner\": \"bench\", \"shard\": \"%d\"}, "
                            + "\"description\": \"Resource number %d of the S3 benchmark\"%s}}%s%n",
                    i, i, i % 3, i, i % 5, i % 2 == 0, jsNumber(i / 7.0), i % 4, i % 3, i % 16, i,
                    i % 10 == 0 ? ", \"token\": {\"@secretEnv\": \"BENCH_TOKEN\"}" : "", i + 1 < n ? "," : ""));
        }
        return b.append("]}\n").toString();
    }

    private static String jsNumber(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static long deploy(LocalS3 s3, String bucket, Path stack, Path work, boolean destroy) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", NODE_DIR.resolve("deploy.mjs").toString(), stack.toString(),
                work.toString(), "--store", "s3://" + bucket + "/?endpoint=" + s3.endpoint() + "&region=" + LocalS3.REGION
                        + "&pathStyle=true", "--s3-list", "one-level"));
        if (destroy) {
            cmd.add("--destroy");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(work.resolve("stderr.txt").toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", s3.accessKey());
        pb.environment().put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        pb.environment().put("ALCHEMY_PASSWORD", "bench-password");
        pb.environment().put("BENCH_TOKEN", "token");
        long start = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("the real Alchemy failed (" + String.join(" ", cmd.subList(2, 4)) + "): "
                        + out + "\n" + Files.readString(work.resolve("stderr.txt")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
