package run.alchemy.cli;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.StateStores;

/** Opens {@code --store} URIs; an unknown scheme or a bad URI is a usage error. */
final class Stores {
    static final String DEFAULT = "fs:.alchemy";

    private Stores() {
    }

    private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@?#]*@");
    private static final java.util.regex.Pattern SECRET_PARAM = java.util.regex.Pattern.compile(
            "(?i)([?&][^=&#]*(?:token|secret|password|passwd|key|credential|signature|auth)[^=&#]*=)[^&#]*");

    /**
     * The URI as it may be printed: without user info ({@code user:pass@}) and with the values of
     * query parameters that look like credentials ({@code token=}, {@code secret=}, {@code key=}, …)
     * replaced by {@code ***}.
     */
    static String describe(String uri) {
        String out = USER_INFO.matcher(uri).replaceFirst("$1");
        return SECRET_PARAM.matcher(out).replaceAll("$1***");
    }

    static StateStore open(String uri) {
        try {
            return StateStores.open(uri);
        } catch (ConfigurationException e) {
            throw CliException.usage(e.getMessage(), "--store takes the URI of an installed store, e.g. fs:.alchemy"
                    + " (a folder, relative to the working directory) or fs:/abs/path", e);
        }
    }
}
