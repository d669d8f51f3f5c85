package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {
    @Test
    void theDemoShowsEveryLifecycleStepAndLeavesNothingBehind(@TempDir Path dir) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.run("demo", "--dir", dir.toString(), "--no-color");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        List<String> lines = out.lines().map(String::strip).toList();
        for (String expected : List.of("[created]  demo/dev/index (fs::File)", "[skipped]  demo/dev/index (fs::File)",
                "[updated]  demo/dev/about (fs::File)", "[deleted]  demo/dev/config/robots (fs::File)",
                "[deleted]  demo/dev/site (fs::Folder)")) {
            assertTrue(lines.contains(expected), "missing '" + expected + "' in:\n" + out);
        }
        assertFalse(out.contains("\u001b["), "no escape codes with --no-color");

        // the history: one line per run that wrote (the no-op redeploy wrote nothing), with counts and positions
        int h = lines.indexOf(lines.stream().filter(l -> l.startsWith("5. history of demo/dev")).findFirst()
                .orElseThrow(() -> new AssertionError("no history section in:\n" + out)));
        assertTrue(lines.get(h + 1).startsWith("POSITIONS"), lines.get(h + 1));
        java.util.regex.Pattern run = java.util.regex.Pattern.compile("(\\d+)-(\\d+)\\s+[0-9a-f]{8}\\s+(\\w+)\\s+succeeded"
                + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+0\\s+\\S+Z\\s+[0-9.]+ s\\s+\\S+@\\S+");
        List<String> expected = List.of("up 4 0 0 0 0", "up 0 1 0 2 2", "destroy 0 0 0 3 0");
        long next = 1;
        for (int i = 0; i < expected.size(); i++) {
            java.util.regex.Matcher m = run.matcher(lines.get(h + 2 + i));
            assertTrue(m.matches(), "run line: " + lines.get(h + 2 + i));
            assertEquals(next, Long.parseLong(m.group(1)), "runs are contiguous in the log: " + lines.get(h + 2 + i));
            assertTrue(Long.parseLong(m.group(2)) > Long.parseLong(m.group(1)));
            next = Long.parseLong(m.group(2)) + 1;
            assertEquals(expected.get(i), m.group(3) + " " + m.group(4) + " " + m.group(5) + " " + m.group(6) + " "
                    + m.group(7) + " " + m.group(8));
        }
        assertEquals("3 runs wrote " + (next - 1) + " events; the unchanged redeploy wrote none, so it is not listed",
                lines.get(h + 5));
        assertTrue(lines.get(lines.size() - 1).startsWith("done: stage demo/dev destroyed"), lines.get(lines.size() - 1));
        assertFalse(Files.exists(dir.resolve("site")), "destroy removed the files");
        assertFalse(Files.exists(dir.resolve(".alchemy/demo/dev")), "destroy removed the stage");
        assertTrue(Files.isDirectory(dir.resolve(".alchemy")), "--dir keeps the state (its log): " + out);
        assertTrue(lines.get(lines.size() - 1).endsWith("its history is kept in " + dir.toAbsolutePath().resolve(".alchemy")),
                lines.get(lines.size() - 1));
    }

    @Test
    void withoutDirTheScratchFolderIsDeletedAtTheEnd() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.run("demo", "--no-color");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("alchemy demo: files in (.+), state in (.+)").matcher(out);
        assertTrue(m.find(), out);
        Path work = Path.of(m.group(2)).getParent();
        assertTrue(work.getFileName().toString().startsWith("alchemy-demo"), work.toString());
        assertFalse(Files.exists(work), "the scratch folder is gone: " + work);
        List<String> lines = out.lines().map(String::strip).toList();
        assertEquals("done: stage demo/dev destroyed; its files are gone; the scratch folder " + work
                + " is deleted (--dir DIR keeps it)", lines.get(lines.size() - 1));
    }
}
