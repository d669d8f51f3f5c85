package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md's tour of the builder, run against a temporary directory. */
class ApiTourTest {
    @Test
    void deploysThreeFiles(@TempDir Path dir) throws Exception {
        ApiTour.deploy(dir, dir.resolve(".alchemy").toString());
        assertEquals("hello", Files.readString(dir.resolve("a.txt")));
        assertEquals("hi", Files.readString(dir.resolve("b.txt")));
        assertEquals("x", Files.readString(dir.resolve("c.txt")));
        assertTrue(Files.isRegularFile(dir.resolve(".alchemy/my-app/dev/child/nested.json")));
        assertTrue(Files.isRegularFile(dir.resolve(".alchemy/my-app/dev/async.json")));
    }
}
