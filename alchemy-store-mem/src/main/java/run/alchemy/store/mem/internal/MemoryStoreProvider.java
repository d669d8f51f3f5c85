package run.alchemy.store.mem.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.api.spi.StoreUriOptions;
import run.alchemy.store.mem.MemoryStateStore;

import java.net.URI;

/**
 * {@code mem:NAME}: a new, empty {@link MemoryStateStore} at each open, {@code NAME} labelling it
 * in messages. Opens of one name share nothing (there is no registry of names); to share a
 * storage, pass one instance ({@code Stage.stateStore(StateStore)}). No options.
 */
public final class MemoryStoreProvider implements StateStoreProvider {
    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public StateStore open(URI uri) {
        String name = uri.getSchemeSpecificPart();
        if (uri.getRawQuery() != null || name.contains("?")) {
            throw new ConfigurationException("the memory store takes no options: " + StoreUriOptions.describe(uri));
        }
        if (uri.getRawFragment() != null) {
            throw new ConfigurationException("a memory store URI has no fragment: " + StoreUriOptions.describe(uri));
        }
        return MemoryStateStore.create(name);
    }
}
