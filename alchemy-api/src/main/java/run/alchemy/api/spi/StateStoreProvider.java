package run.alchemy.api.spi;

import java.net.URI;

/**
 * Opens a {@link StateStore} from a URI such as {@code fs:.alchemy}; found with
 * {@link java.util.ServiceLoader} by {@link #scheme()}. An implementation is what ServiceLoader
 * can make (a public class with a public no-argument constructor, or on the module path a public
 * static {@code provider()} method), registered with
 * {@code provides run.alchemy.api.spi.StateStoreProvider with …} in its {@code module-info.java}
 * and in {@code META-INF/services/run.alchemy.api.spi.StateStoreProvider}. A module that answers
 * several schemes registers one provider per scheme.
 */
public interface StateStoreProvider {

    /**
     * The URI scheme this provider answers, e.g. {@code fs} or {@code s3}.
     *
     * @return the scheme, without the {@code :}; the engine compares it ignoring case and uses the
     *         first installed provider whose scheme matches
     */
    String scheme();

    /**
     * Opens the store; a bad URI gives a {@link run.alchemy.api.ConfigurationException}.
     *
     * @param uri the whole URI, whose scheme is {@link #scheme()} (ignoring case), e.g.
     *            {@code s3://my-state/teams/web/?region=eu-west-1}; options in its query can be
     *            read with {@link StoreUriOptions}
     * @return a new store, which the caller closes
     * @throws run.alchemy.api.ConfigurationException if the URI is malformed for this scheme or has
     *                                                an unknown or invalid option
     */
    StateStore open(URI uri);
}
