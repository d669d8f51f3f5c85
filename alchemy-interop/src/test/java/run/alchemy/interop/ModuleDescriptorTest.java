package run.alchemy.interop;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.spi.StateStoreProvider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The modules as JPMS modules: descriptors (exports, uses, provides) read from the built jars (or
 * exploded target/classes), resolution on a module path, and ServiceLoader discovery both in a
 * {@link ModuleLayer} and on the class path.
 */
class ModuleDescriptorTest {
    private static final String API = "run.alchemy.api";
    private static final String ENGINE = "run.alchemy.engine";
    private static final String STORE_FS = "run.alchemy.store.fs";
    private static final String PROVIDERS_FS = "run.alchemy.providers.fs";
    private static final List<String> OURS = List.of(API, ENGINE, STORE_FS, PROVIDERS_FS);
    private static final String STORE_SPI = "run.alchemy.api.spi.StateStoreProvider";
    private static final String RESOURCE_SPI = "run.alchemy.api.ResourceProvider";

    private static List<Path> modulePath;
    private static ModuleLayer layer;

    @BeforeAll
    static void buildLayer() {
        modulePath = modulePathFromClassPath();
        System.out.println("[interop] module path: " + modulePath);
        ModuleFinder finder = ModuleFinder.of(modulePath.toArray(Path[]::new));
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(finder, ModuleFinder.of(), Set.of(ENGINE, STORE_FS, PROVIDERS_FS));
        // parent = platform loader: every class of these modules comes from the layer, not the class path
        layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    }

    /**
     * The module jars (or target/classes directories) of our four modules and of jackson, caffeine
     * and bouncycastle, taken from the test class path.
     */
    private static List<Path> modulePathFromClassPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String prop : List.of("java.class.path", "surefire.test.class.path", "jdk.module.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isEmpty()) {
                entries.addAll(List.of(v.split(File.pathSeparator)));
            }
        }
        List<String> ourArtifacts = List.of("alchemy-api", "alchemy-engine", "alchemy-store-fs", "alchemy-providers-fs");
        List<Path> out = new ArrayList<>();
        Set<String> found = new TreeSet<>();
        for (String e : entries) {
            Path p = Path.of(e).toAbsolutePath().normalize();
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            boolean jar = name.endsWith(".jar") && Files.isRegularFile(p);
            for (String a : ourArtifacts) {
                boolean mainJar = jar && name.startsWith(a + "-") && !name.endsWith("-tests.jar")
                        && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar")
                        && Character.isDigit(name.charAt(a.length() + 1));
                boolean classesDir = Files.isDirectory(p) && p.endsWith(Path.of(a, "target", "classes"));
                if (mainJar || classesDir) {
                    out.add(p);
                    found.add(a);
                }
            }
            if (jar && (name.startsWith("jackson-") || name.startsWith("caffeine-") || name.startsWith("bcprov-"))) {
                out.add(p);
                found.add(name.substring(0, name.indexOf('-', name.startsWith("jackson-") ? 8 : 0)));
            }
        }
        for (String a : ourArtifacts) {
            if (!found.contains(a)) {
                fail("module " + a + " not found on the test class path " + entries);
            }
        }
        return out;
    }

    private static ModuleDescriptor descriptor(String module) {
        return layer.findModule(module).orElseThrow(() -> new AssertionError(module + " is not in the layer"))
                .getDescriptor();
    }

    private static Set<String> exports(String module) {
        return descriptor(module).exports().stream().map(e -> {
            assertFalse(e.isQualified(), module + " exports " + e.source() + " only to " + e.targets());
            return e.source();
        }).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, List<String>> provides(String module) {
        Map<String, List<String>> m = new TreeMap<>();
        descriptor(module).provides().forEach(p -> m.put(p.service(), p.providers()));
        return m;
    }

    // ------------------------------------------------------------------ descriptors

    @Test
    void theLayerHoldsTheFourModulesFromTheBuild() {
        Set<String> names = layer.modules().stream().map(Module::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(OURS), names.toString());
        for (String m : OURS) {
            Module module = layer.findModule(m).orElseThrow();
            assertEquals(m, module.getDescriptor().name());
            assertFalse(module.getDescriptor().isAutomatic(), m + " must have a module-info, not be automatic");
            assertFalse(module.getDescriptor().isOpen(), m + " must not be an open module");
            ResolvedModule resolved = layer.configuration().findModule(m).orElseThrow();
            assertTrue(modulePath.stream().anyMatch(p -> resolved.reference().location().orElseThrow()
                    .equals(p.toUri())), m + " resolved from " + resolved.reference().location() + ", not " + modulePath);
        }
    }

    @Test
    void exportsAreExactlyThePublicApi() {
        assertEquals(Set.of("run.alchemy.api", "run.alchemy.api.event", "run.alchemy.api.spi"), exports(API));
        assertEquals(Set.of("run.alchemy.engine", "run.alchemy.engine.tool"), exports(ENGINE));
        assertEquals(Set.of("run.alchemy.store.fs"), exports(STORE_FS));
        assertEquals(Set.of("run.alchemy.providers.fs"), exports(PROVIDERS_FS));
    }

    @Test
    void noModuleExportsOrOpensAnInternalPackage() {
        int internalPackages = 0;
        for (String m : OURS) {
            ModuleDescriptor d = descriptor(m);
            for (String pkg : d.packages()) {
                if (List.of(pkg.split("\\.")).contains("internal")) {
                    internalPackages++;
                }
            }
            for (ModuleDescriptor.Exports e : d.exports()) {
                assertFalse(List.of(e.source().split("\\.")).contains("internal"), m + " exports " + e.source());
            }
            for (ModuleDescriptor.Opens o : d.opens()) {
                assertFalse(List.of(o.source().split("\\.")).contains("internal"), m + " opens " + o.source());
            }
        }
        // the check above is not vacuous: engine, store.fs and providers.fs do have internal packages
        assertTrue(descriptor(ENGINE).packages().contains("run.alchemy.engine.internal"), descriptor(ENGINE).packages().toString());
        assertTrue(descriptor(STORE_FS).packages().contains("run.alchemy.store.fs.internal"));
        assertTrue(descriptor(PROVIDERS_FS).packages().contains("run.alchemy.providers.fs.internal"));
        assertTrue(internalPackages >= 3, "internal packages: " + internalPackages);
    }

    @Test
    void engineUsesTheTwoServices() {
        assertEquals(Set.of(STORE_SPI, RESOURCE_SPI), descriptor(ENGINE).uses());
        assertEquals(Map.of(), provides(ENGINE));
        assertEquals(Set.of(), descriptor(API).uses());
        assertEquals(Map.of(), provides(API));
    }

    @Test
    void storeAndProvidersModulesProvideTheirServices() {
        assertEquals(Map.of(STORE_SPI, List.of("run.alchemy.store.fs.internal.FileSystemStoreProvider")), provides(STORE_FS));
        assertEquals(Map.of(RESOURCE_SPI, List.of("run.alchemy.providers.fs.internal.FileProvider",
                "run.alchemy.providers.fs.internal.FolderProvider")), provides(PROVIDERS_FS));
        assertEquals(Set.of(), descriptor(STORE_FS).uses());
        assertEquals(Set.of(), descriptor(PROVIDERS_FS).uses());
    }

    @Test
    void bindingTheEngineAlonePullsInTheProviders() {
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(ModuleFinder.of(modulePath.toArray(Path[]::new)), ModuleFinder.of(), Set.of(ENGINE));
        Set<String> names = cf.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
        assertTrue(names.containsAll(OURS), "resolveAndBind(engine) gave " + names);
        assertTrue(names.containsAll(Set.of("com.fasterxml.jackson.databind", "com.github.benmanes.caffeine",
                "org.bouncycastle.provider")), names.toString());
    }

    // ------------------------------------------------------------------ discovery

    @Test
    void serviceLoaderFindsTheFsStoreInTheLayer() throws Exception {
        ClassLoader loader = layer.findLoader(ENGINE);
        Class<?> spi = Class.forName(STORE_SPI, false, loader);
        assertNotSame(StateStoreProvider.class, spi, "the SPI must come from the layer, not the class path");
        assertEquals(API, spi.getModule().getName());
        Method scheme = spi.getMethod("scheme");
        List<String> schemes = new ArrayList<>();
        for (Object p : ServiceLoader.load(layer, spi)) {
            schemes.add((String) scheme.invoke(p));
            assertEquals(STORE_FS, p.getClass().getModule().getName(), "provider " + p.getClass());
        }
        assertEquals(List.of("fs"), schemes);

        Class<?> resourceSpi = Class.forName(RESOURCE_SPI, false, loader);
        Method kind = resourceSpi.getMethod("kind");
        Set<String> kinds = new TreeSet<>();
        for (Object p : ServiceLoader.load(layer, resourceSpi)) {
            kinds.add((String) kind.invoke(p));
        }
        assertEquals(Set.of("fs::File", "fs::Folder"), kinds);
    }

    @Test
    void theEngineInTheLayerOpensAnFsStoreThroughItsOwnServiceLoader(@TempDir Path tmp) throws Exception {
        ClassLoader loader = layer.findLoader(ENGINE);
        Class<?> stores = Class.forName("run.alchemy.engine.StateStores", true, loader);
        assertEquals(ENGINE, stores.getModule().getName());
        // StateStores uses ServiceLoader.load(Class), i.e. the thread's context class loader: make it
        // the layer's, as it is in an application launched with these modules on the module path
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        Object store;
        thread.setContextClassLoader(loader);
        try {
            store = stores.getMethod("open", String.class).invoke(null, "fs:" + tmp.resolve("state"));
        } finally {
            thread.setContextClassLoader(previous);
        }
        assertEquals(STORE_FS, store.getClass().getModule().getName());
        assertEquals("run.alchemy.store.fs.FileSystemStateStore", store.getClass().getName());
        Class<?> storeApi = Class.forName("run.alchemy.api.spi.StateStore", false, loader);
        storeApi.getMethod("put", List.class, String.class, byte[].class)
                .invoke(store, List.of("app", "dev"), "x", "{}".getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(tmp.resolve("state/app/dev/x.json")));
        storeApi.getMethod("close").invoke(store);
    }

    @Test
    void metaInfServicesAllowClassPathDiscovery() throws IOException {
        // alchemy-store-s3, -do and -r2 are on this module's test class path too (for the interop tests)
        assertEquals(Set.of("run.alchemy.store.fs.internal.FileSystemStoreProvider",
                "run.alchemy.store.s3.internal.S3StoreProvider", "run.alchemy.store.durable.internal.DoStoreProvider$Https",
                "run.alchemy.store.durable.internal.DoStoreProvider$Http",
                "run.alchemy.store.durable.internal.DoStoreProvider$Provisioned",
                "run.alchemy.store.r2.internal.R2StoreProvider"), new TreeSet<>(serviceLines(STORE_SPI)));
        assertEquals(List.of("run.alchemy.providers.fs.internal.FileProvider",
                "run.alchemy.providers.fs.internal.FolderProvider"), serviceLines(RESOURCE_SPI));

        List<String> schemes = new ArrayList<>();
        for (StateStoreProvider p : ServiceLoader.load(StateStoreProvider.class)) {
            schemes.add(p.scheme());
            assertFalse(p.getClass().getModule().isNamed(), "on the class path: " + p.getClass().getModule());
        }
        assertEquals(List.of("do", "do+http", "do+https", "fs", "r2", "s3"), schemes.stream().sorted().toList());
        Set<String> kinds = new TreeSet<>();
        for (ResourceProvider<?, ?> p : ServiceLoader.load(ResourceProvider.class)) {
            kinds.add(p.kind());
        }
        assertEquals(Set.of("fs::File", "fs::Folder"), kinds);
    }

    /** Provider lines of every META-INF/services/{@code service} file on the class path (comments dropped). */
    private static List<String> serviceLines(String service) throws IOException {
        Enumeration<URL> urls = ModuleDescriptorTest.class.getClassLoader().getResources("META-INF/services/" + service);
        List<String> lines = new ArrayList<>();
        for (URL url : Collections.list(urls)) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                r.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).forEach(lines::add);
            }
        }
        assertFalse(lines.isEmpty(), "no META-INF/services/" + service + " on the class path");
        return lines;
    }
}
