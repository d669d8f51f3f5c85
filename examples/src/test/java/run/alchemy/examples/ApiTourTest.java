package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.Stage;
import run.alchemy.providers.fs.FileProps;
import run.alchemy.providers.fs.FsResources;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md's tour of the stage's options, run against a temporary directory. */
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

    @Test
    void aStageIsKeptAndCopied(@TempDir Path out) throws Exception {
        String state = out.resolve(".alchemy").toString();
        // region stage-copies
        Stage dev = Alchemy.app("my-app").stage("dev").stateStore("fs:" + state);  // immutable: keep it, share it
        Stage preview = dev.stage("preview");                                       // a copy: dev is unchanged
        dev.run(app -> app.apply("site", FsResources.FILE, new FileProps(out.resolve("dev.txt").toString(), "dev")));
        preview.run(app -> app.apply("site", FsResources.FILE, new FileProps(out.resolve("preview.txt").toString(), "p")));
        dev = dev.concurrency(4);  // a copy too: a call whose result is dropped changes nothing
        // endregion
        assertTrue(Files.isRegularFile(out.resolve(".alchemy/my-app/dev/site.json")));
        assertTrue(Files.isRegularFile(out.resolve(".alchemy/my-app/preview/site.json")));
        assertEquals("p", Files.readString(out.resolve("preview.txt")));
        assertTrue(dev.toString().contains("stage=dev"), dev.toString());
    }
}
