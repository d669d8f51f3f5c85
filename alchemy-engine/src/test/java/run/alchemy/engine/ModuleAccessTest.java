package run.alchemy.engine;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A user's program as a named module (compiled here, run in a {@link ModuleLayer} with the engine,
 * the fs store and Jackson as modules) whose props types are in packages it does or does not
 * open or export to Jackson. Jackson's own verdict on each type (a round trip with a plain
 * ObjectMapper in that module) is compared with the engine's check, and a type Jackson cannot
 * reach fails the run with a ConfigurationException before any resource is touched.
 */
class ModuleAccessTest {
    private static final String JACKSON = "com.fasterxml.jackson.databind";

    @TempDir
    static Path build;
    private static Method scenario;
    private static Method probe;

    private static final Map<String, String> SOURCES = Map.of(
            "module-info.java", """
                    module test.user {
                        requires run.alchemy.engine;
                        exports test.user;
                        exports test.user.shared to com.fasterxml.jackson.databind;
                        opens test.user.open to com.fasterxml.jackson.databind;
                        // test.user.hidden: neither
                    }
                    """,
            "test/user/hidden/Hidden.java", "package test.user.hidden; public record Hidden(String v) { }",
            "test/user/shared/Shared.java", "package test.user.shared; public record Shared(String v) { }",
            "test/user/shared/Wrapper.java", "package test.user.shared;"
                    + " public record Wrapper(java.util.List<test.user.hidden.Hidden> items) { }",
            "test/user/shared/Samples.java", """
                    package test.user.shared;
                    public final class Samples {
                        record Local(String v) { }
                        static final class Outer { public record Inner(String v) { } }
                        public static Object local() { return new Local("l"); }
                        public static Object inner() { return new Outer.Inner("i"); }
                    }
                    """,
            "test/user/open/Samples.java", """
                    package test.user.open;
                    public final class Samples {
                        record Opened(String v) { }
                        public static Object opened() { return new Opened("o"); }
                    }
                    """,
            "test/user/Echo.java", """
                    package test.user;
                    import run.alchemy.api.Context;
                    import run.alchemy.api.ResourceProvider;
                    import java.nio.file.Files;
                    import java.nio.file.Path;
                    /** Its output is its props; create writes a marker file (when given). */
                    public record Echo<T>(String kind, Class<T> type, Path marker) implements ResourceProvider<T, T> {
                        public Class<T> propsType() { return type; }
                        public Class<T> outputType() { return type; }
                        public T create(Context<T, T> ctx, T props) throws Exception {
                            if (marker != null) {
                                Files.writeString(marker, ctx.fqn());
                            }
                            return props;
                        }
                        public void delete(Context<T, T> ctx, T props, T output) { }
                    }
                    """,
            "test/user/Program.java", """
                    package test.user;
                    import com.fasterxml.jackson.databind.ObjectMapper;
                    import run.alchemy.api.ConfigurationException;
                    import run.alchemy.api.Phase;
                    import run.alchemy.engine.Alchemy;
                    import run.alchemy.engine.Stage;
                    import test.user.hidden.Hidden;
                    import test.user.shared.Shared;
                    import test.user.shared.Wrapper;
                    import java.nio.file.Path;
                    import java.util.List;
                    import java.util.Map;
                    public final class Program {
                        static Object sample(String name) {
                            return switch (name) {
                                case "hidden" -> new Hidden("h");
                                case "shared" -> new Shared("s");
                                case "wrapper" -> new Wrapper(List.of(new Hidden("w")));
                                case "local" -> test.user.shared.Samples.local();
                                case "inner" -> test.user.shared.Samples.inner();
                                case "opened" -> test.user.open.Samples.opened();
                                default -> throw new IllegalArgumentException(name);
                            };
                        }
                        @SuppressWarnings({"unchecked", "rawtypes"})
                        static Echo echo(String name, Path marker) {
                            return new Echo("test::" + name, sample(name).getClass(), marker);
                        }
                        /** "first" (JDK-typed props) then "second" of the named type; the second given to the stage too when asked. */
                        @SuppressWarnings("unchecked")
                        public static void scenario(String dir, String name, boolean toStage, String phase) {
                            Path d = Path.of(dir);
                            Echo<Map<String, Object>> first = new Echo<>("test::Map", (Class) Map.class, d.resolve("first.txt"));
                            Echo<Object> second = echo(name, d.resolve("second.txt"));
                            Stage b = Alchemy.app("mods").stage("dev").phase(Phase.valueOf(phase))
                                    .stateStore("fs:" + d.resolve(".alchemy")).password("pw").provider(first);
                            if (toStage) {
                                b = b.provider(second);
                            }
                            b.run(app -> {
                                if (Phase.valueOf(phase) == Phase.UP) {
                                    app.apply("first", first, Map.of("n", 1));
                                    app.apply("second", second, sample(name));
                                }
                            });
                        }
                        /** Jackson's verdict (a round trip) and the engine's (deploy, redeploy, destroy), e.g. "jackson:ok engine:ok". */
                        public static String probe(String dir, String name) {
                            Object value = sample(name);
                            String jackson;
                            try {
                                ObjectMapper m = new ObjectMapper();
                                jackson = value.equals(m.treeToValue(m.valueToTree(value), value.getClass())) ? "ok" : "differs";
                            } catch (Exception e) {
                                jackson = "fails";
                            }
                            String engine;
                            try {
                                for (String phase : new String[] {"UP", "UP", "DESTROY"}) {
                                    Alchemy.app("probe").stage(name).phase(Phase.valueOf(phase)).password("pw")
                                            .stateStore("fs:" + Path.of(dir).resolve(".alchemy")).provider(echo(name, null))
                                            .run(app -> {
                                                if (Phase.valueOf(phase) == Phase.UP) {
                                                    app.apply("v", echo(name, null), value);
                                                }
                                            });
                                }
                                engine = "ok";
                            } catch (ConfigurationException e) {
                                engine = "refused";
                            } catch (RuntimeException e) {
                                engine = "fails (" + e + ")";
                            }
                            return "jackson:" + jackson + " engine:" + engine;
                        }
                    }
                    """);

    /** The engine, the api, the fs store and their libraries, as on the test class path. */
    private static List<Path> libraries() {
        List<Path> path = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            boolean ours = Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"))
                    && List.of("alchemy-api", "alchemy-engine", "alchemy-store-fs")
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

    @BeforeAll
    static void compileTheUserModule() throws Exception {
        Path src = build.resolve("src");
        Path out = build.resolve("classes");
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--module-path",
                String.join(File.pathSeparator, libraries().stream().map(Path::toString).toList())));
        for (Map.Entry<String, String> e : SOURCES.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, javac.run(null, null, err, args.toArray(String[]::new)), err.toString());

        List<Path> path = new ArrayList<>(libraries());
        path.add(0, out);
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(ModuleFinder.of(path.toArray(Path[]::new)), ModuleFinder.of(), Set.of("test.user"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        assertTrue(layer.findModule(JACKSON).orElseThrow().isNamed());
        Class<?> program = layer.findLoader("test.user").loadClass("test.user.Program");
        scenario = program.getMethod("scenario", String.class, String.class, boolean.class, String.class);
        probe = program.getMethod("probe", String.class, String.class);
    }

    /** The exception the program threw, or null. */
    private static Throwable scenario(Path dir, String type, boolean toStage, String phase) throws Exception {
        try {
            scenario.invoke(null, dir.toString(), type, toStage, phase);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    private static List<String> files(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static final String HIDDEN_MESSAGE = "kind \"test::hidden\": Jackson cannot read the props type"
            + " test.user.hidden.Hidden: package test.user.hidden of module test.user is not opened or exported"
            + " to com.fasterxml.jackson.databind; add `opens test.user.hidden to com.fasterxml.jackson.databind;`"
            + " (or `exports test.user.hidden to com.fasterxml.jackson.databind;`, enough for a public record)"
            + " to module test.user's module-info.java";

    @Test
    void aProviderGivenToTheStageIsCheckedBeforeAnyResourceIsTouched(@TempDir Path dir) throws Exception {
        Throwable e = scenario(dir, "hidden", true, "UP");
        assertEquals("run.alchemy.api.ConfigurationException", e == null ? null : e.getClass().getName(), String.valueOf(e));
        assertEquals(HIDDEN_MESSAGE, e.getMessage());
        assertFalse(Files.exists(dir.resolve("first.txt")), "the first resource's provider was not called");
        assertEquals(List.of(), files(dir.resolve(".alchemy")), "no record written");
    }

    @Test
    void aProviderFirstSeenInApplyIsCheckedBeforeItsRecordIsWritten(@TempDir Path dir) throws Exception {
        Throwable e = scenario(dir, "hidden", false, "UP");
        assertEquals("run.alchemy.api.ConfigurationException", e == null ? null : e.getClass().getName(), String.valueOf(e));
        assertEquals(HIDDEN_MESSAGE, e.getMessage());
        assertTrue(Files.exists(dir.resolve("first.txt")), "declared before the engine could know the second");
        assertFalse(Files.exists(dir.resolve("second.txt")));
        List<String> records = files(dir.resolve(".alchemy"));
        assertFalse(records.stream().anyMatch(f -> f.contains("second")), records.toString());
        assertTrue(records.stream().anyMatch(f -> f.contains("first")), records.toString());
    }

    @Test
    void aNestedTypeIsNamedWithTheTypeItIsIn(@TempDir Path dir) throws Exception {
        Throwable e = scenario(dir, "wrapper", true, "UP");
        assertEquals("kind \"test::wrapper\": Jackson cannot read test.user.hidden.Hidden (in the props type"
                + " test.user.shared.Wrapper): package test.user.hidden of module test.user is not opened or exported"
                + " to com.fasterxml.jackson.databind; add `opens test.user.hidden to com.fasterxml.jackson.databind;`"
                + " (or `exports test.user.hidden to com.fasterxml.jackson.databind;`, enough for a public record)"
                + " to module test.user's module-info.java", e == null ? null : e.getMessage());
    }

    @Test
    void theCheckAgreesWithJacksonsOwnVerdict(@TempDir Path dir) throws Exception {
        Map<String, String> expected = Map.of(
                "hidden", "jackson:fails engine:refused",    // neither exported nor opened
                "wrapper", "jackson:fails engine:refused",   // exported, but holds a hidden record
                "local", "jackson:fails engine:refused",     // exported, but not public
                "shared", "jackson:ok engine:ok",            // a public record, exported to Jackson
                "inner", "jackson:ok engine:ok",             // public, nested in a package-private class
                "opened", "jackson:ok engine:ok");           // not public, in a package opened to Jackson
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), probe.invoke(null, dir.toString(), e.getKey()), e.getKey());
        }
    }

    @Test
    void reachableTypesDeployAndDestroy(@TempDir Path dir) throws Exception {
        for (String type : List.of("shared", "opened")) {
            Path d = Files.createDirectories(dir.resolve(type));
            Throwable up = scenario(d, type, true, "UP");
            if (up != null) {
                fail(type, up);
            }
            assertTrue(Files.exists(d.resolve("second.txt")));
            assertEquals(null, scenario(d, type, true, "DESTROY"));
        }
    }
}
