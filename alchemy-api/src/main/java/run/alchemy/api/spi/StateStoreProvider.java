package run.alchemy.api.spi;

import java.net.URI;

/**
 * Opens a {@link StateStore} from a URI such as {@code fs:.alchemy}; found with
 * {@link java.util.ServiceLoader} by {@link #scheme()}.
 */
public interface StateStoreProvider {

    /** The URI scheme this provider answers, e.g. {@code fs} or {@code s3}. */
    String scheme();

    /** Opens the store; a bad URI gives a {@link run.alchemy.api.ConfigurationException}. */
    StateStore open(URI uri);
}
