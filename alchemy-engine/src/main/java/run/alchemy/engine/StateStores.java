package run.alchemy.engine;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens state stores by URI through the installed {@link StateStoreProvider}s. */
public final class StateStores {
    private StateStores() {
    }

    /** Opens e.g. {@code fs:.alchemy}; an unknown scheme names the schemes that are installed. */
    public static StateStore open(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("invalid state store URI \"" + uri + "\": " + e.getReason());
        }
        String scheme = parsed.getScheme();
        TreeSet<String> known = new TreeSet<>();
        for (StateStoreProvider p : ServiceLoader.load(StateStoreProvider.class, StateStores.class.getClassLoader())) {
            if (p.scheme().equalsIgnoreCase(scheme == null ? "" : scheme)) {
                return p.open(parsed);
            }
            known.add(p.scheme());
        }
        throw new ConfigurationException("no state store for " + (scheme == null ? "URI without a scheme" : "scheme \""
                + scheme + "\"") + " in \"" + uri + "\"; installed: " + (known.isEmpty() ? "none" : known)
                + " (e.g. fs:.alchemy)");
    }
}
