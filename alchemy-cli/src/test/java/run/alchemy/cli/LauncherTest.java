package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code ./alchemy} launcher run through a symlink on PATH. It runs a copy of the script in a
 * scratch "repository" whose jar and class path file are already current (an empty jar, the test's
 * own class path), so it never builds anything: it must find them next to the real script, not
 * next to the link.
 */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void worksThroughASymlinkOnPath() throws Exception {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash) || Files.isExecutable(Path.of("/usr/bin/bash")), "no bash on this machine");
        Path repo = dir.resolve("repo");
        Path target = Files.createDirectories(repo.resolve("alchemy-cli/target"));
        Path script = repo.resolve("alchemy");
        Files.copy(Path.of("..", "alchemy"), script);
        assumeTrue(script.toFile().setExecutable(true), "cannot make the copied launcher executable");
        Path jar = target.resolve("alchemy-cli-0.1.0-SNAPSHOT.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.flush();
        }
        Files.writeString(target.resolve("classpath.txt"), System.getProperty("java.class.path"), StandardCharsets.UTF_8);
        // older than the jar: nothing to build
        Files.setLastModifiedTime(script, FileTime.from(Instant.now().minusSeconds(60)));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        // bin/alchemy -> ../links/alchemy -> (absolute) repo/alchemy: a relative link to an absolute one
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("alchemy"), script);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("alchemy"), Path.of("..", "links", "alchemy"));
        // should the launcher think it must build, it finds this mvn first: a test never builds
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho 'mvn called: the launcher tried to build' >&2\nexit 1\n");
        assumeTrue(mvn.toFile().setExecutable(true), "cannot make the fake mvn executable");

        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "alchemy --version").directory(elsewhere.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + File.pathSeparator + javaBin + File.pathSeparator + "/usr/bin:/bin");
        env.put("ALCHEMY_CDS", "0");
        env.remove("ALCHEMY_JAVA_OPTS");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("alchemy-java 0.1.0"), out);
        assertTrue(!out.contains("building"), "nothing was built: " + out);
    }
}
