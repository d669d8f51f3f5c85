package run.alchemy.interop;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The interop tests run the real Alchemy in Node. Without {@code node} on PATH they are skipped, and
 * say so once; with {@code ALCHEMY_REQUIRE_NODE=1} (set by {@code .ci/run}) they fail instead.
 */
final class NodeRequired {
    private static final AtomicBoolean SAID = new AtomicBoolean();

    private NodeRequired() {
    }

    static void assumeNode(String what) {
        if (onPath("node")) {
            return;
        }
        String why = "node is not on PATH: " + what + " needs Node.js >= 20 (it runs the real Alchemy), so it is"
                + " skipped; install Node to run the interop tests (.ci/run requires it)";
        if ("1".equals(System.getenv("ALCHEMY_REQUIRE_NODE"))) {
            fail(why + " [ALCHEMY_REQUIRE_NODE=1]");
        }
        if (SAID.compareAndSet(false, true)) {
            System.err.println("SKIPPED: " + why);
        }
        Assumptions.abort(why);
    }

    static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
