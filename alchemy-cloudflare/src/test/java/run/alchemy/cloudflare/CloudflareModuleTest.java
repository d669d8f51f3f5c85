package run.alchemy.cloudflare;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The module's descriptor as compiled: one unqualified export, nothing provided, what it requires. */
class CloudflareModuleTest {
    @Test
    void theDescriptorExportsOnePackage() {
        ModuleDescriptor d = ModuleFinder.of(Path.of("target", "classes")).find("run.alchemy.cloudflare").orElseThrow()
                .descriptor();
        assertEquals(Set.of("run.alchemy.cloudflare"), d.exports().stream().map(e -> {
            assertFalse(e.isQualified(), "qualified export " + e);
            return e.source();
        }).collect(Collectors.toSet()));
        assertTrue(d.provides().isEmpty());
        assertEquals(Set.of("java.base", "run.alchemy.api", "okhttp3", "com.fasterxml.jackson.databind"),
                d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    }
}
