package run.alchemy.engine;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens state stores by URI through the installed {@link StateStoreProvider}s. */
public final class StateStores {
    /** The artifact (group run.alchemy) that provides each scheme of ours. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "fs", "alchemy-store-fs",
            "mem", "alchemy-store-mem",
            "s3", "alchemy-store-s3",
            "r2", "alchemy-store-r2",
            "do", "alchemy-store-do",
            "do+https", "alchemy-store-do",
            "do+http", "alchemy-store-do");

    private StateStores() {
    }

    /**
     * Opens e.g. {@code fs:.alchemy}; a scheme with no installed store names the artifact to add
     * when it is one of ours (e.g. {@code run.alchemy:alchemy-store-s3}), and the schemes that are
     * installed.
     */
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
        String artifact = scheme == null ? null : ARTIFACTS.get(scheme.toLowerCase(Locale.ROOT));
        throw new ConfigurationException("no state store for " + (scheme == null ? "URI without a scheme" : "scheme \""
                + scheme + "\"") + " in \"" + uri + "\"; "
                + (artifact == null ? "" : "add the dependency run.alchemy:" + artifact + "; ")
                + "installed: " + (known.isEmpty() ? "none" : known) + " (e.g. fs:.alchemy)");
    }
}
