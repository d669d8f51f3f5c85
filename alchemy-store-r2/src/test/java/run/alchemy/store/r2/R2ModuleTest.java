package run.alchemy.store.r2;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The module's descriptor as compiled (read, not resolved: OkHttp and the AWS SDK need not be
 * modules here): its name, one unqualified export, the provider, and what it requires.
 */
class R2ModuleTest {
    @Test
    void theDescriptorExportsTheConfigurationTypesOnlyAndProvidesTheStore() {
        ModuleDescriptor d = ModuleFinder.of(Path.of("target", "classes")).find("run.alchemy.store.r2").orElseThrow()
                .descriptor();
        assertEquals(Set.of("run.alchemy.store.r2"), d.exports().stream().map(e -> {
            assertFalse(e.isQualified(), "qualified export " + e);
            return e.source();
        }).collect(Collectors.toSet()));
        assertEquals(Set.of("run.alchemy.api.spi.StateStoreProvider"),
                d.provides().stream().map(ModuleDescriptor.Provides::service).collect(Collectors.toSet()));
        assertEquals(List.of("run.alchemy.store.r2.internal.R2StoreProvider"), d.provides().iterator().next().providers());
        assertEquals(Set.of("java.base", "run.alchemy.api", "run.alchemy.cloudflare", "run.alchemy.store.s3", "okhttp3", "com.fasterxml.jackson.databind"),
                d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
        assertEquals(Set.of(), d.opens());
    }
}
