package run.alchemy.store.s3;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The object operations the S3 store's event log is made of, so that another object store can
 * carry the same log in the same layout ({@link ObjectLogs}): the R2 store does, over
 * Cloudflare's REST API. Keys are whole object keys; every method is thread-safe and turns a
 * failure into a {@link run.alchemy.api.StoreException} naming the object.
 *
 * <p>The log's guarantees rest on {@link #putIfAbsent}: of writers racing to create one key,
 * exactly one may be told {@link Create#CREATED}. An implementation that cannot promise that (no
 * conditional write) must say so to its users: the log then keeps out a second writer only as well
 * as its {@code putIfAbsent} does.
 */
public interface LogObjects {
    /** What {@link #putIfAbsent} found. */
    enum Create { CREATED, EXISTS }

    /** Keys and, with a delimiter, common prefixes; the keys' ETags where the listing gives them. */
    record Listing(List<String> keys, List<String> prefixes, Map<String, String> etags) {
        /** A listing without ETags. */
        public Listing(List<String> keys, List<String> prefixes) {
            this(keys, prefixes, Map.of());
        }
    }

    /** An object's bytes and its ETag. */
    record Fetched(byte[] bytes, String etag) {
    }

    /** The object's bytes, or empty when it does not exist. */
    Optional<byte[]> get(String key);

    /** The object's bytes and ETag, or empty when it does not exist. */
    Optional<Fetched> getWithETag(String key);

    /** The first {@code length} bytes of the object (fewer if it is shorter, all if the store cannot cut), or empty. */
    Optional<byte[]> head(String key, int length);

    /** Creates or replaces the object. */
    void put(String key, byte[] body, String contentType);

    /** Creates the object only if there is none under the key (see the class comment). */
    Create putIfAbsent(String key, byte[] body, String contentType);

    /** Removes the object; a missing one is not an error. */
    void delete(String key);

    /** Removes the objects; missing ones are not an error. */
    void deleteAll(List<String> keys);

    /**
     * Every key under {@code prefix} after {@code startAfter} (null: from the start), in key
     * order, and with a delimiter the common prefixes; all pages.
     */
    Listing list(String prefix, String delimiter, String startAfter);

    /** Starts a task on the store's pool (reads that stream in order while later ones are fetched). */
    <T> Future<T> submit(Supplier<T> task);

    /** Tasks {@link #submit} runs at once. */
    int parallelism();

    /** The object's address, for messages. */
    String url(String key);
}
