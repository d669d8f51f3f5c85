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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
    /** Query options whose value is not shown by {@link #describe}. */
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(token|secret|password|passwd|credential|key|auth"
            + "|signature).*");

    /**
     * {@code uri} for messages and {@code toString()}: any user info ({@code user:password@}) is
     * shown as {@code …@} and the values of options named like a credential (token, secret,
     * password, key, …; not {@code …-env}, which name a variable) and options without a value as
     * {@code …}; a fragment is left out. Stores take credentials from the environment, never from the
     * URI, but a URI written by mistake with one in it must not be printed.
     *
     * @param uri a store URI, valid or not
     * @return the URI as it may be printed or logged
     */
    public static String describe(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            Matcher scheme = SCHEME.matcher(uri);
            return (scheme.lookingAt() ? scheme.group() : "") + "… (an invalid URI)";
        }
        if (parsed.isOpaque()) { // fs:DIR, mem:NAME: no user info; a query is not parsed
            String ssp = parsed.getRawSchemeSpecificPart();
            int q = ssp.indexOf('?');
            return parsed.getScheme() + ":" + (q < 0 ? ssp : ssp.substring(0, q) + "?" + redactQuery(ssp.substring(q + 1)));
        }
        StringBuilder out = new StringBuilder();
        if (parsed.getScheme() != null) {
            out.append(parsed.getScheme()).append(':');
        }
        if (parsed.getRawAuthority() != null) {
            out.append("//");
            if (parsed.getRawUserInfo() != null) {
                out.append("…@");
            }
            if (parsed.getHost() != null) {
                out.append(parsed.getHost());
                if (parsed.getPort() >= 0) {
                    out.append(':').append(parsed.getPort());
                }
            } else {
                String authority = parsed.getRawAuthority();
                out.append(authority.substring(authority.lastIndexOf('@') + 1));
            }
        }
        if (parsed.getRawPath() != null) {
            out.append(parsed.getRawPath());
        }
        if (parsed.getRawQuery() != null) {
            out.append('?').append(redactQuery(parsed.getRawQuery()));
        }
        return out.toString();
    }

    private static String redactQuery(String query) {
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? "" : pair.substring(0, eq);
            boolean sensitive = SENSITIVE.matcher(name).matches() && !name.toLowerCase(Locale.ROOT).endsWith("-env");
            out.append(eq < 0 ? "…" : name + "=" + (sensitive ? "…" : pair.substring(eq + 1)));
        }
        return out.toString();
    }
}
