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
        assertFalse(Files.exists(dir.resolve("site")), "destroy removed the files");
        assertFalse(Files.exists(dir.resolve(".alchemy/demo/dev")), "destroy removed the stage");
    }
}
