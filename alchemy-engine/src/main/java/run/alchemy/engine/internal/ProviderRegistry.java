package run.alchemy.engine.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.ResourceProvider;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Providers by kind: those on the class or module path, those given to the stage, and those
 * used in {@code apply} — so that records whose resources are no longer declared can be deleted.
 * Each provider's props and output types are checked to be reachable by Jackson the first time it
 * is given (to the stage, or to {@code apply} before its record is read) or used to delete.
 */
public final class ProviderRegistry {
    private final Map<String, ResourceProvider<?, ?>> byKind = new ConcurrentHashMap<>();
    private final JacksonAccess access = new JacksonAccess();

    public ProviderRegistry(Iterable<ResourceProvider<?, ?>> explicit) {
        for (ResourceProvider<?, ?> p : ServiceLoader.load(ResourceProvider.class, ProviderRegistry.class.getClassLoader())) {
            byKind.put(p.kind(), p);
        }
        explicit.forEach(this::register);
    }

    void register(ResourceProvider<?, ?> provider) {
        access.check(provider);
        byKind.put(provider.kind(), provider);
    }

    ResourceProvider<?, ?> require(String kind, String fqn) {
        ResourceProvider<?, ?> p = byKind.get(kind);
        if (p == null) {
            throw new ConfigurationException("no provider for kind \"" + kind + "\" to delete " + fqn
                    + ": declare it, pass it to the stage's provider(...), or put its module on the path");
        }
        access.check(p);
        return p;
    }
}
