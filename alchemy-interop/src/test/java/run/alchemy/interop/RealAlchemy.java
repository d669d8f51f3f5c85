package run.alchemy.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs node/deploy.mjs (the real Alchemy 0.94.0) on a {@link TestStack}: with its default
 * FileSystemStateStore ({@link #RealAlchemy(String)}), with its S3StateStore on an S3 API server
 * ({@link #onS3}), or with its DOStateStore on a Durable Object worker ({@link #onDurableObject}).
 */
final class RealAlchemy {
    static final long TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** deploy.mjs's stdout report, plus its stderr for messages and its exit code. */
    record Report(List<String> written, List<String> deleted, List<String> errors, String stderr, int exitCode) {
    }

    private final Path nodeDir;
    private final String password;
    /** deploy.mjs options selecting the state store (none: Alchemy's default FileSystemStateStore). */
    private final List<String> storeArgs;
    /** Extra environment of the node process (S3 credentials); never printed. */
    private final Map<String, String> storeEnv;

    RealAlchemy(String password) {
        this(password, List.of(), Map.of());
    }

    private RealAlchemy(String password, List<String> storeArgs, Map<String, String> storeEnv) {
        NodeRequired.assumeNode("this interop test");
        String dir = System.getProperty("interop.node.dir");
        this.nodeDir = (dir != null ? Path.of(dir) : Path.of("node")).toAbsolutePath().normalize();
        this.password = password;
        this.storeArgs = List.copyOf(storeArgs);
        this.storeEnv = Map.copyOf(storeEnv);
        if (!Files.isRegularFile(nodeDir.resolve("deploy.mjs"))) {
            fail("deploy.mjs not found in " + nodeDir + " (system property interop.node.dir)");
        }
        if (!Files.isDirectory(nodeDir.resolve("node_modules/alchemy"))) {
            fail("alchemy is not installed in " + nodeDir + "/node_modules (run node/install.sh)");
        }
    }

    /**
     * The real Alchemy with {@code stateStore: (scope) => new S3StateStore(scope, …)} on {@code storeUri}
     * ({@code s3://BUCKET/[PREFIX]?endpoint=URL&region=R}; its client path-style, with these credentials,
     * passed to node as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). {@code s3List} is deploy.mjs's
     * {@code --s3-list}: "alchemy" (0.94's own recursive list, whose finalize crashes) or "one-level".
     */
    static RealAlchemy onS3(String password, String storeUri, String s3List, String accessKey, String secretKey) {
        return new RealAlchemy(password, List.of("--store", storeUri, "--s3-list", s3List),
                Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey));
    }

    /**
     * The real Alchemy with {@code stateStore: (scope) => new DOStateStore(scope, {worker: {url, token}})}
     * on the worker {@code storeUri} ({@code do+http://HOST:PORT}), the token passed to node as
     * ALCHEMY_STATE_TOKEN.
     */
    static RealAlchemy onDurableObject(String password, String storeUri, String token) {
        return new RealAlchemy(password, List.of("--store", storeUri), Map.of("ALCHEMY_STATE_TOKEN", token));
    }

    /** {@code node deploy.mjs STACK.json WORKDIR}: deploys and finalizes; fails the test on a non-zero exit. */
    Report deploy(TestStack stack, Path workdir) {
        return run(stack, workdir, false, false);
    }

    /** {@code node deploy.mjs STACK.json WORKDIR --destroy}. */
    Report destroy(TestStack stack, Path workdir) {
        return run(stack, workdir, true, false);
    }

    /**
     * Deploys like {@link #deploy}, but a deployment error (exit code 1, errors in the report) is
     * returned rather than failing the test; bad usage (exit code 2) or no report still fails it.
     */
    Report deployAllowingErrors(TestStack stack, Path workdir) {
        return run(stack, workdir, false, true);
    }

    private Report run(TestStack stack, Path workdir, boolean destroy, boolean allowErrors) {
        int n = RUNS.incrementAndGet();
        try {
            Path scratch = Files.createTempDirectory("alchemy-interop-node-" + n + "-");
            Path stackFile = scratch.resolve("stack.json");
            Path out = scratch.resolve("stdout.txt");
            Path err = scratch.resolve("stderr.txt");
            JSON.writerWithDefaultPrettyPrinter().writeValue(stackFile.toFile(), stack.toNodeJson());
            List<String> cmd = new ArrayList<>(List.of("node", nodeDir.resolve("deploy.mjs").toString(),
                    stackFile.toString(), workdir.toString()));
            if (destroy) {
                cmd.add("--destroy");
            }
            cmd.addAll(storeArgs);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(nodeDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = pb.environment();
            for (String name : List.of("STAGE", "ALCHEMY_STAGE", "CI", "ALCHEMY_STATE_STORE", "NODE_OPTIONS")) {
                env.remove(name);
            }
            // No AWS settings of the machine (profiles, endpoints, keys) may reach the SDK in node.
            env.keySet().removeIf(name -> name.startsWith("AWS_"));
            env.putAll(storeEnv);
            env.put("ALCHEMY_PASSWORD", password);
            env.put("DEPLOY_TRACE", "1");
            env.putAll(stack.secretEnv());
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("node deploy.mjs" + (destroy ? " --destroy" : "") + " timed out after " + TIMEOUT_SECONDS
                        + " s; stderr:\n" + read(err));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            String stdout = read(out);
            String stderr = read(err);
            System.out.printf("[interop] node deploy.mjs%s%s: exit %d in %d ms: %s%n", destroy ? " --destroy" : "",
                    storeArgs.isEmpty() ? "" : " " + String.join(" ", storeArgs), p.exitValue(), millis, stdout.strip());
            if (p.exitValue() != 0 && !(allowErrors && p.exitValue() == 1)) {
                fail("node deploy.mjs" + (destroy ? " --destroy" : "") + " exited with " + p.exitValue()
                        + "\nstdout: " + stdout + "\nstderr:\n" + stderr);
            }
            String line = lastLine(stdout);
            if (line == null) {
                fail("node deploy.mjs printed no report; stderr:\n" + stderr);
            }
            JsonNode report = JSON.readTree(line);
            Report r = new Report(strings(report.get("written")), strings(report.get("deleted")),
                    strings(report.get("errors")), stderr, p.exitValue());
            if (!r.errors().isEmpty() && !allowErrors) {
                fail("deploy.mjs reported errors " + r.errors() + "\nstderr:\n" + stderr);
            }
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot run node deploy.mjs: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array == null || !array.isArray()) {
            fail("malformed deploy.mjs report: expected an array, got " + array);
        }
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
