package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Commands run in a JVM of its own whose process environment holds a store's credentials, as
 * {@code ./alchemy}'s does: stores read their tokens from the process environment, which a test
 * cannot set in its own JVM. One JVM runs many commands (a JVM start costs two seconds; a command
 * in a warm one, a fraction of that): it reads one request per line on stdin ({@code {"env": {…},
 * "args": […]}}), runs {@link Main#run} with the process environment plus the request's variables
 * (the password, the secret's variable) and captured streams, and answers one line
 * ({@code {"code", "out", "err"}}). The environment is exactly {@code PATH}, the given variables and
 * {@code HOME}, {@code XDG_CACHE_HOME} and {@code java.io.tmpdir} under {@code home}, so nothing of
 * the machine's own leaks in and whatever the command writes outside the store can be swept; the
 * JVM's own stderr (where java.util.logging prints) is kept in a file under {@code home} too.
 */
final class CliProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader answers;
    private final Writer requests;
    private final Path stderr;

    CliProcess(Path home, Map<String, String> processEnv) {
        try {
            Path tmp = Files.createDirectories(home.resolve("tmp"));
            stderr = home.resolve("jvm-stderr.txt");
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp, "-cp", cp, CliProcess.class.getName()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            String path = pb.environment().get("PATH");
            pb.environment().clear();
            pb.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
            pb.environment().put("HOME", home.resolve("home").toString());
            pb.environment().put("XDG_CACHE_HOME", home.resolve("cache").toString());
            pb.environment().put("NO_COLOR", "1");
            pb.environment().putAll(processEnv);
            pb.redirectError(stderr.toFile());
            process = pb.start();
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code alchemy ARGS} in that JVM, with {@code env} added to its environment; its code and output. */
    Cli.Result run(Map<String, String> env, String... args) {
        ObjectNode request = Json.object();
        ObjectNode e = request.putObject("env");
        env.forEach(e::put);
        List.of(args).forEach(request.putArray("args")::add);
        try {
            requests.write(Json.compact(request) + "\n");
            requests.flush();
            String line = answers.readLine(); // blocks until the command is done, or null if the JVM died
            if (line == null) {
                throw new AssertionError("the command's JVM ended: " + Files.readString(stderr));
            }
            JsonNode answer = Json.MAPPER.readTree(line);
            return new Cli.Result(answer.get("code").asInt(), answer.get("out").asText(), answer.get("err").asText());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** Ends the JVM (closing its stdin) and returns what it printed on its own stderr: its log lines, if any. */
    String finish() {
        try {
            requests.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            finish();
        }
    }

    /**
     * The JVM's side: answers each request line until stdin ends. {@code System.out} goes to stderr, so
     * that nothing but answers reaches the channel they travel on.
     *
     * @param ignored no arguments
     * @throws IOException if stdin cannot be read
     */
    public static void main(String[] ignored) throws IOException {
        PrintStream channel = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        // every level of the engine's System.Logger onto stderr, which the test sweeps
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("run.alchemy");
        java.util.logging.ConsoleHandler console = new java.util.logging.ConsoleHandler();
        console.setLevel(java.util.logging.Level.ALL);
        logger.setLevel(java.util.logging.Level.ALL);
        logger.addHandler(console);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonNode request = Json.MAPPER.readTree(line);
            Map<String, String> env = new HashMap<>(System.getenv());
            request.get("env").properties().forEach(p -> env.put(p.getKey(), p.getValue().asText()));
            List<String> args = new ArrayList<>();
            request.get("args").forEach(a -> args.add(a.asText()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), env, false, false), args.toArray(String[]::new));
            ObjectNode answer = Json.object();
            answer.put("code", code);
            answer.put("out", out.toString(StandardCharsets.UTF_8));
            answer.put("err", err.toString(StandardCharsets.UTF_8));
            channel.println(Json.compact(answer));
        }
        logger.fine("stdin ended"); // also keeps the configured logger reachable until here
    }
}
