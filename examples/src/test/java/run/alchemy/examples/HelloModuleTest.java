package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The program as a JPMS module, as {@code java -p … -m run.alchemy.examples/run.alchemy.examples.Hello}
 * runs it: its descriptor resolves against the engine, the file-system store is bound by
 * ServiceLoader, and Jackson reaches the Note record through the module's {@code opens}.
 */
class HelloModuleTest {
    private static final String MODULE = "run.alchemy.examples";

    /** This module's classes and the module jars (or target/classes) it needs, from the test class path. */
    private static List<Path> modulePath() {
        List<Path> path = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            boolean ours = Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"))
                    && List.of("examples", "alchemy-api", "alchemy-engine", "alchemy-store-fs")
                    .contains(p.getParent().getParent().getFileName().toString());
            boolean ourJar = name.matches("alchemy-(api|engine|store-fs)-\\d.*\\.jar") && !name.endsWith("-tests.jar");
            boolean theirs = name.endsWith(".jar")
                    && (name.startsWith("jackson-") || name.startsWith("caffeine-") || name.startsWith("bcprov-"));
            if (ours || ourJar || theirs) {
                path.add(p);
            }
        }
        return path;
    }

    @Test
    void runsOnTheModulePath(@TempDir Path dir) throws Exception {
        List<Path> path = modulePath();
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(ModuleFinder.of(path.toArray(Path[]::new)), ModuleFinder.of(), Set.of(MODULE));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Module module = layer.findModule(MODULE).orElseThrow();
        ModuleDescriptor d = module.getDescriptor();
        assertFalse(d.isAutomatic());
        assertEquals(Set.of("run.alchemy.api.ResourceProvider"),
                d.provides().stream().map(ModuleDescriptor.Provides::service).collect(java.util.stream.Collectors.toSet()));
        assertTrue(layer.findModule("run.alchemy.store.fs").isPresent(), "the fs store is bound as a service: " + path);

        Class<?> hello = layer.findLoader(MODULE).loadClass("run.alchemy.examples.Hello");
        assertEquals(module, hello.getModule());
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(layer.findLoader(MODULE));
        try {
            hello.getMethod("main", String[].class).invoke(null, (Object) new String[] {dir.toString(), "modular"});
            assertEquals("modular", Files.readString(dir.resolve("hello.txt")));
            assertTrue(Files.readString(dir.resolve(".alchemy/hello/dev/greeting.json")).contains("\"text\": \"modular\""));
            hello.getMethod("main", String[].class).invoke(null, (Object) new String[] {dir.toString(), "modular", "destroy"});
            assertFalse(Files.exists(dir.resolve("hello.txt")));
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
