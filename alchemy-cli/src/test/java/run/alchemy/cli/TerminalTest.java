package run.alchemy.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command in its own process: under a pseudo-terminal (util-linux {@code script}) it draws a
 * progress bar and colours; in a pipe it writes neither escape codes nor carriage returns.
 */
class TerminalTest {
    private static final Pattern SGR = Pattern.compile("\u001b\\[[0-9;]*m");
    private static final Pattern BAR = Pattern.compile("\\[=*>? *] (\\d+)/40 deploying big/dev");

    @TempDir
    static Path dir;
    static String store;
    static Path stack;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout:\n" + out.replace("\u001b", "<ESC>").replace("\r", "<CR>")
                    + "\n--- stderr:\n" + err.replace("\u001b", "<ESC>").replace("\r", "<CR>");
        }
    }

    @BeforeAll
    static void stackOfForty() {
        store = "fs:" + dir.resolve(".alchemy");
        StringBuilder s = new StringBuilder("{\"app\": \"big\", \"stage\": \"dev\", \"resources\": [");
        for (int i = 0; i < 40; i++) {
            s.append(i == 0 ? "" : ",").append("{\"id\": \"v").append(i).append("\", \"kind\": \"alchemy::Value\",")
                    .append(" \"props\": {\"i\": ").append(i).append("}}");
        }
        stack = dir.resolve("big.json");
        Cli.write(stack, s.append("]}").toString());
    }

    private static List<String> java(String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "run.alchemy.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Under a pseudo-terminal: stdout and stderr both go to it, so they arrive as one stream. */
    private static Run tty(Map<String, String> env, String... args) throws Exception {
        String command = String.join(" ", java(args).stream().map(TerminalTest::quote).toList());
        return exec(List.of("script", "-q", "-e", "-c", command, "/dev/null"), env);
    }

    private static Run pipe(Map<String, String> env, String... args) throws Exception {
        return exec(java(args), env);
    }

    private static Run exec(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("NO_COLOR");
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().put("COLUMNS", "120");
        pb.environment().putAll(env);
        pb.redirectInput(new File("/dev/null"));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void fresh() throws IOException {
        Path state = dir.resolve(".alchemy");
        if (Files.exists(state)) {
            try (var walk = Files.walk(state)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void onATerminalADeployShowsAProgressBarAndColours() throws Exception {
        fresh();
        Run r = tty(Map.of(), "deploy", "--file", stack.toString(), "--store", store);
        assertEquals(0, r.code(), r.toString());
        String all = r.out();
        assertTrue(all.contains("\u001b[32m[created]\u001b[0m  big/dev/v0 (alchemy::Value)"), "a green tag: " + r);
        var bars = BAR.matcher(SGR.matcher(all).replaceAll(""));
        int last = -1;
        int seen = 0;
        while (bars.find()) {
            int n = Integer.parseInt(bars.group(1));
            assertTrue(n >= last, "the bar only moves forward: " + r);
            last = n;
            seen++;
        }
        assertTrue(seen >= 2, "the bar was drawn more than once: " + r);
        assertEquals(40, last, "the bar reached 40/40: " + r);
        assertTrue(all.contains("\r\u001b[2K"), "the bar is redrawn in place and cleared: " + r);
        assertTrue(SGR.matcher(all).replaceAll("").contains("deployed big/dev in " + store + ": 40 created"), r.toString());
        assertTrue(all.contains("\u001b[1mdeployed big/dev"), "the summary is bold: " + r);
    }

    @Test
    void inAPipeNothingButText() throws Exception {
        fresh();
        Run r = pipe(Map.of(), "deploy", "--file", stack.toString(), "--store", store);
        assertEquals(0, r.code(), r.toString());
        assertFalse(r.out().contains("\u001b") || r.err().contains("\u001b"), "no escape codes in a pipe: " + r);
        assertFalse(r.out().contains("\r") || r.err().contains("\r"), "no carriage returns in a pipe: " + r);
        List<String> lines = r.out().lines().toList();
        assertEquals(41, lines.size(), r.toString());
        assertEquals("  [created]  big/dev/v0 (alchemy::Value)", lines.get(0));
        assertTrue(lines.get(40).startsWith("deployed big/dev in " + store + ": 40 created"), lines.get(40));
        assertEquals("", r.err(), "no progress on stderr in a pipe");

        Run replay = pipe(Map.of(), "state", "replay", "--at", "10", "--store", store);
        assertEquals(0, replay.code(), replay.toString());
        assertFalse((replay.out() + replay.err()).contains("\u001b") || (replay.out() + replay.err()).contains("\r"),
                replay.toString());
        assertTrue(replay.err().startsWith("replayed big/dev at 10: "), replay.toString());

        Run error = pipe(Map.of(), "state", "list", "--store", "nope:x");
        assertEquals(2, error.code());
        assertTrue(error.err().startsWith("error: no state store for scheme \"nope\""), error.toString());
        assertFalse(error.err().contains("\u001b"), error.toString());
    }

    @Test
    void onATerminalLongStateWorkShowsProgressAndErrorsAreRed() throws Exception {
        fresh();
        assertEquals(0, pipe(Map.of(), "deploy", "--file", stack.toString(), "--store", store).code());
        Run export = tty(Map.of(), "state", "export", "--store", store);
        assertEquals(0, export.code(), export.toString());
        String text = SGR.matcher(export.out()).replaceAll("");
        assertTrue(Pattern.compile("\\[=*>? *] \\d+/40 exporting big/dev").matcher(text).find(), export.toString());

        Run replay = tty(Map.of(), "state", "replay", "--at", "30", "--store", store);
        assertEquals(0, replay.code(), replay.toString());
        assertTrue(replay.out().contains("replaying the log of big/dev"), "a spinner while folding the log: " + replay);

        Run error = tty(Map.of(), "state", "list", "--store", "nope:x");
        assertEquals(2, error.code(), error.toString());
        assertTrue(error.out().contains("\u001b[1;31merror:\u001b[0m no state store for scheme \"nope\""), error.toString());
    }

    @Test
    void noColorAndTheNoColorVariableTurnColoursOffButKeepTheBar() throws Exception {
        for (Map<String, String> env : List.of(Map.of("NO_COLOR", "1"), Map.<String, String>of())) {
            fresh();
            List<String> args = new ArrayList<>(List.of("deploy", "--file", stack.toString(), "--store", store));
            if (env.isEmpty()) {
                args.add("--no-color");
            }
            Run r = tty(env, args.toArray(String[]::new));
            assertEquals(0, r.code(), r.toString());
            assertFalse(SGR.matcher(r.out()).find(), "no colour codes with " + (env.isEmpty() ? "--no-color" : env) + ": " + r);
            assertTrue(BAR.matcher(r.out()).find(), "the progress bar is not colour: " + r);
            assertTrue(r.out().contains("[created]  big/dev/v39 (alchemy::Value)"), r.toString());
        }
    }

    @Test
    void aDumbTerminalGetsNeitherBarNorColours() throws Exception {
        fresh();
        Run r = tty(Map.of("TERM", "dumb"), "deploy", "--file", stack.toString(), "--store", store);
        assertEquals(0, r.code(), r.toString());
        assertFalse(r.out().contains("\u001b"), r.toString());
        assertFalse(BAR.matcher(r.out()).find(), r.toString());
    }
}
