package run.alchemy.cli;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.StateStores;

/** Opens {@code --store} URIs; an unknown scheme or a bad URI is a usage error. */
public final class Stores {
    static final String DEFAULT = "fs:.alchemy";

    private Stores() {
    }

    public static StateStore open(String uri) {
        try {
            return StateStores.open(uri);
        } catch (ConfigurationException e) {
            throw CliException.usage(e.getMessage(), "--store takes the URI of an installed store, e.g. fs:.alchemy"
                    + " (a folder, relative to the working directory) or fs:/abs/path", e);
        }
    }
}
