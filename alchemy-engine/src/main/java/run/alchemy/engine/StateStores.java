package run.alchemy.engine;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.api.spi.StoreUriOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Opens state stores by URI through the installed {@link StateStoreProvider}s (found with
 * ServiceLoader on the module path or the class path), and describes store URIs for messages
 * without their credentials. Stateless and thread-safe.
 */
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
     * installed. Each call looks the providers up again and opens a new store.
     *
     * @param uri a store URI; its scheme (compared ignoring case) chooses the provider
     * @return the open store, to close after use
     * @throws ConfigurationException if {@code uri} is not a valid URI or no installed store has
     *                                its scheme; the provider's own exceptions for the rest of it
     */
    public static StateStore open(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            // the reason, not the text: an invalid URI may still hold a credential pasted into it
            throw new ConfigurationException("invalid state store URI \"" + describe(uri) + "\": " + e.getReason()
                    + " at index " + e.getIndex());
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
                + scheme + "\"") + " in \"" + describe(uri) + "\"; "
                + (artifact == null ? "" : "add the dependency run.alchemy:" + artifact + "; ")
                + "installed: " + (known.isEmpty() ? "none" : known) + " (e.g. fs:.alchemy)");
    }

    /**
     * {@code uri} for messages and {@code toString()}: any user info ({@code user:password@}) is
     * shown as {@code …@} and the values of options named like a credential (token, secret,
     * password, key, …; not {@code …-env}, which name a variable) and options without a value as
     * {@code …}; a fragment is left out. Stores take credentials from the environment, never from the
     * URI, but a URI written by mistake with one in it must not be printed. The same as
     * {@link StoreUriOptions#describe(String)}, which the stores' own messages use.
     *
     * @param uri a store URI, valid or not
     * @return the URI as it may be printed or logged
     */
    public static String describe(String uri) {
        return StoreUriOptions.describe(uri);
    }
}
