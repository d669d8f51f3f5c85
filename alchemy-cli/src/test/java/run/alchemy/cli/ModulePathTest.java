package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command as a JPMS module: its descriptor, and a run on the module path ({@code java -m run.alchemy.cli/…}). */
class ModulePathTest {
    private static final String CLI = "run.alchemy.cli";

    /** This module and its runtime class path (what the launcher runs with), as a module path. */
    static List<Path> modulePath() {
        List<Path> out = new ArrayList<>(List.of(Path.of("target", "classes").toAbsolutePath()));
        try {
            for (String entry : Files.readString(Path.of("target", "classpath.txt")).trim().split(File.pathSeparator)) {
                out.add(Path.of(entry));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the build writes target/classpath.txt before the tests", e);
        }
        return out;
    }

    @Test
    void theDescriptorResolvesWithTheEngineAndTheValueKindsModule() {
        List<Path> path = modulePath();
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(ModuleFinder.of(path.toArray(Path[]::new)), ModuleFinder.of(), Set.of(CLI));
        ModuleDescriptor cli = cf.findModule(CLI).orElseThrow().reference().descriptor();
        assertFalse(cli.isAutomatic(), "alchemy-cli has a module-info");
        assertEquals(Set.of(), cli.exports(), "the command exports nothing");
        assertEquals(Set.of(), cli.provides(), "alchemy::Value is alchemy-providers-core's");
        assertEquals(List.of("run.alchemy.providers.core.internal.ValueProvider"), cf.findModule("run.alchemy.providers.core")
                .orElseThrow().reference().descriptor().provides().stream()
                .filter(p -> p.service().equals("run.alchemy.api.ResourceProvider")).findFirst().orElseThrow().providers());
        assertFalse(cli.requires().stream().anyMatch(r -> r.name().startsWith("run.alchemy.store")),
                "the command opens stores by URI, through the engine: " + cli.requires());
        Set<String> modules = new TreeSet<>();
        cf.modules().forEach(m -> modules.add(m.name()));
        assertTrue(modules.containsAll(List.of("run.alchemy.engine", "run.alchemy.store.fs", "run.alchemy.providers.fs",
                "run.alchemy.providers.core",
                "run.alchemy.store.s3", "run.alchemy.store.durable",
                "info.picocli", "com.fasterxml.jackson.databind")), modules.toString());
    }

    @Test
    void onTheModulePathTheCommandDeploysAndDeletesAnOrphanValueThroughServiceLoader(@TempDir Path dir) throws Exception {
        String store = "fs:" + dir.resolve(".alchemy");
        Path first = dir.resolve("a.json");
        Cli.write(first, "{\"app\": \"mods\", \"stage\": \"dev\", \"resources\": [{\"id\": \"v\", \"kind\": \"alchemy::Value\","
                + " \"props\": {\"x\": 1}}]}");
        Path second = dir.resolve("b.json");
        Cli.write(second, "{\"app\": \"mods\", \"stage\": \"dev\", \"resources\": [{\"id\": \"f\", \"kind\": \"fs::File\","
                + " \"props\": {\"path\": \"" + dir.resolve("f.txt") + "\", \"content\": \"x\"}}]}");
        String one = module("deploy", "-f", first.toString(), "--store", store);
        assertTrue(one.contains("[created]  mods/dev/v (alchemy::Value)"), one);
        String two = module("deploy", "-f", second.toString(), "--store", store);
        assertTrue(two.contains("[created]  mods/dev/f (fs::File)"), two);
        assertTrue(two.contains("[deleted]  mods/dev/v (alchemy::Value)"), "found through the module's provides: " + two);
        String runs = module("state", "runs", "--store", store, "--json");
        assertTrue(runs.contains("\"outcome\": \"succeeded\""), runs);
    }

    private static String module(String... args) throws Exception {
        String mp = String.join(File.pathSeparator, modulePath().stream().map(Path::toString).toList());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", mp, "-m", CLI + "/run.alchemy.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null"));
        pb.environment().putAll(Map.of("NO_COLOR", "1"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", args) + "\n" + out);
        return out;
    }
}
