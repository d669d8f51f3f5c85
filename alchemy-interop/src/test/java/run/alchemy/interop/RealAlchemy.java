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

/** Runs node/deploy.mjs (the real Alchemy 0.94.0) on a {@link TestStack}. */
final class RealAlchemy {
    static final long TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** deploy.mjs's stdout report, plus its stderr for messages. */
    record Report(List<String> written, List<String> deleted, List<String> errors, String stderr) {
    }

    private final Path nodeDir;
    private final String password;

    RealAlchemy(String password) {
        String dir = System.getProperty("interop.node.dir");
        this.nodeDir = (dir != null ? Path.of(dir) : Path.of("node")).toAbsolutePath().normalize();
        this.password = password;
        if (!Files.isRegularFile(nodeDir.resolve("deploy.mjs"))) {
            fail("deploy.mjs not found in " + nodeDir + " (system property interop.node.dir)");
        }
        if (!Files.isDirectory(nodeDir.resolve("node_modules/alchemy"))) {
            fail("alchemy is not installed in " + nodeDir + "/node_modules (run node/install.sh)");
        }
    }

    /** {@code node deploy.mjs STACK.json WORKDIR}: deploys and finalizes; fails the test on a non-zero exit. */
    Report deploy(TestStack stack, Path workdir) {
        return run(stack, workdir, false);
    }

    /** {@code node deploy.mjs STACK.json WORKDIR --destroy}. */
    Report destroy(TestStack stack, Path workdir) {
        return run(stack, workdir, true);
    }

    private Report run(TestStack stack, Path workdir, boolean destroy) {
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
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(nodeDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = pb.environment();
            for (String name : List.of("STAGE", "ALCHEMY_STAGE", "CI", "ALCHEMY_STATE_STORE", "NODE_OPTIONS")) {
                env.remove(name);
            }
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
            System.out.printf("[interop] node deploy.mjs%s: exit %d in %d ms: %s%n", destroy ? " --destroy" : "",
                    p.exitValue(), millis, stdout.strip());
            if (p.exitValue() != 0) {
                fail("node deploy.mjs" + (destroy ? " --destroy" : "") + " exited with " + p.exitValue()
                        + "\nstdout: " + stdout + "\nstderr:\n" + stderr);
            }
            String line = lastLine(stdout);
            if (line == null) {
                fail("node deploy.mjs printed no report; stderr:\n" + stderr);
            }
            JsonNode report = JSON.readTree(line);
            Report r = new Report(strings(report.get("written")), strings(report.get("deleted")),
                    strings(report.get("errors")), stderr);
            if (!r.errors().isEmpty()) {
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
