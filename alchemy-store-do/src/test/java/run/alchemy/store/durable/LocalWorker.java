package run.alchemy.store.durable;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real worker in workerd for a test class: {@code node worker/run-local.mjs --port 0} (ours, or
 * with {@code --alchemy} the real Alchemy 0.94 DOFS worker) on 127.0.0.1 with a fresh random token
 * and a scratch persistence folder. Started once per class; ready when it prints {@code READY
 * <url>} (a line read, not a sleep); stopped by closing its stdin, which makes it dispose
 * Miniflare and exit — and which also happens if this JVM dies.
 */
public final class LocalWorker implements BeforeAllCallback, AfterAllCallback {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private final boolean alchemy;
    private Process process;
    private Path persist;
    private String url;
    private final String token;

    private LocalWorker(boolean alchemy) {
        this.alchemy = alchemy;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** alchemy-java's worker, worker/state-store.js. */
    public static LocalWorker ours() {
        return new LocalWorker(false);
    }

    /** Alchemy 0.94's own worker, node_modules/alchemy/workers/dofs-state-store.js. */
    public static LocalWorker alchemys() {
        return new LocalWorker(true);
    }

    /**
     * {@code alchemy-store-do/worker}: from the system property this module's build sets, or found
     * beside the working directory (another module's tests run in that module's folder).
     */
    static Path workerDir() {
        String set = System.getProperty("durable.worker.dir");
        if (set != null) {
            return Path.of(set).toAbsolutePath();
        }
        Path sibling = Path.of("..", "alchemy-store-do", "worker").toAbsolutePath().normalize();
        return Files.isDirectory(sibling) ? sibling : Path.of("worker").toAbsolutePath();
    }

    /** Runs install.sh (idempotent, stamped: a fraction of a second when done) for tests of other modules. */
    private static void install() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "install.sh").directory(workerDir().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("worker/install.sh failed in " + workerDir());
        }
    }

    /**
     * Without {@code node} on PATH the worker cannot run: the test class is skipped, saying why once
     * (with {@code ALCHEMY_REQUIRE_NODE=1}, set by {@code .ci/run}, it fails instead).
     */
    public static void assumeNode(String what) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "node"))) {
                    return;
                }
            }
        }
        String why = "node is not on PATH: " + what + " runs the Durable Object worker in workerd under Node.js >= 20,"
                + " so it is skipped; install Node to run it (.ci/run requires it)";
        if ("1".equals(System.getenv("ALCHEMY_REQUIRE_NODE"))) {
            throw new IllegalStateException(why + " [ALCHEMY_REQUIRE_NODE=1]");
        }
        if (SAID.compareAndSet(false, true)) {
            System.err.println("SKIPPED: " + why);
        }
        org.junit.jupiter.api.Assumptions.abort(why);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean SAID = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeNode(context.getDisplayName());
        start();
    }

    /**
     * Starts the worker outside JUnit (the soak driver's own main): installs it and waits for its
     * READY line. {@link #stop()} ends it.
     *
     * @return this, running
     * @throws Exception if it does not start
     */
    public LocalWorker start() throws Exception {
        install();
        persist = Files.createTempDirectory("do-worker-");
        List<String> cmd = new ArrayList<>(List.of("node", workerDir().resolve("run-local.mjs").toString(),
                "--port", "0", "--token", token, "--persist", persist.toString()));
        if (alchemy) {
            cmd.add("--alchemy");
        }
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine(); // blocks until READY, or null when the runner exits first
        if (line == null || !line.startsWith("READY ")) {
            process.destroyForcibly();
            throw new IllegalStateException("run-local.mjs did not start (exit " + process.waitFor() + "): " + line);
        }
        url = line.substring("READY ".length()).trim();
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    /**
     * Stops the worker and deletes its persistence folder.
     *
     * @throws Exception if the folder cannot be deleted
     */
    public void stop() throws Exception {
        if (process != null) {
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (persist != null) {
            try (Stream<Path> files = Files.walk(persist)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return url;
    }

    /** The worker's token (a test's own, random: 43 characters). */
    public String token() {
        return token;
    }

    /** A store on this worker under a prefix no other test uses: a fresh, empty store (snapshots and logs). */
    public DurableObjectStoreBuilder freshStore() {
        return store("t" + PREFIXES.incrementAndGet());
    }

    /** A store on this worker under {@code prefix}. */
    public DurableObjectStoreBuilder store(String prefix) {
        return DurableObjectStateStore.builder().url(url).token(token).prefix(prefix);
    }
}
