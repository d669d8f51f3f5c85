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
    enum Create {
        /** There was no object under the key: this call created it. */
        CREATED,
        /** An object had the key already (another writer's, or an earlier attempt's): nothing was written. */
        EXISTS
    }

    /**
     * What {@link #list} found.
     *
     * @param keys     the whole keys of the objects, in key order
     * @param prefixes with a delimiter, the common prefixes (each ending in the delimiter); otherwise empty
     * @param etags    each key's ETag, as the listing gives it; keys without one (or all, for a store
     *                 whose listing gives none) are absent
     */
    record Listing(List<String> keys, List<String> prefixes, Map<String, String> etags) {
        /**
         * A listing without ETags.
         *
         * @param keys     the whole keys of the objects, in key order
         * @param prefixes the common prefixes, or empty
         */
        public Listing(List<String> keys, List<String> prefixes) {
            this(keys, prefixes, Map.of());
        }
    }

    /**
     * An object's bytes and its ETag.
     *
     * @param bytes the whole object
     * @param etag  its ETag, as the store gives it, or null when it gives none
     */
    record Fetched(byte[] bytes, String etag) {
    }

    /**
     * Reads an object.
     *
     * @param key the whole object key
     * @return the object's bytes, or empty when it does not exist
     */
    Optional<byte[]> get(String key);

    /**
     * Reads an object with its ETag.
     *
     * @param key the whole object key
     * @return the object's bytes and ETag, or empty when it does not exist
     */
    Optional<Fetched> getWithETag(String key);

    /**
     * Reads the start of an object.
     *
     * @param key    the whole object key
     * @param length how many bytes to read from the start (1 or more)
     * @return the first {@code length} bytes (fewer if the object is shorter, all of it if the store
     *         cannot read a range), or empty when it does not exist
     */
    Optional<byte[]> head(String key, int length);

    /**
     * Creates or replaces an object.
     *
     * @param key         the whole object key
     * @param body        the object's bytes
     * @param contentType its {@code Content-Type}, such as {@code application/json}
     * @return the object's new ETag, or null when the store's answer names none
     */
    String put(String key, byte[] body, String contentType);

    /**
     * Creates an object only if there is none under the key (see the class comment).
     *
     * @param key         the whole object key
     * @param body        the object's bytes
     * @param contentType its {@code Content-Type}
     * @return {@link Create#CREATED} when this call created it; {@link Create#EXISTS} when the key was taken
     */
    Create putIfAbsent(String key, byte[] body, String contentType);

    /**
     * Removes an object; a missing one is not an error.
     *
     * @param key the whole object key
     */
    void delete(String key);

    /**
     * Removes objects; missing ones are not an error.
     *
     * @param keys the whole object keys, in any number (the store splits them into requests as it must)
     */
    void deleteAll(List<String> keys);

    /**
     * Every key under {@code prefix} after {@code startAfter} (null: from the start), in key
     * order, and with a delimiter the common prefixes; all pages.
     *
     * @param prefix     the start every listed key has (empty: the whole bucket)
     * @param delimiter  groups keys with more after the prefix into common prefixes ({@code /}), or null
     * @param startAfter the key to list after, or null to list from the start
     * @return the keys, the common prefixes and the ETags the listing gives
     */
    Listing list(String prefix, String delimiter, String startAfter);

    /**
     * Starts a task on the store's pool (reads that stream in order while later ones are fetched).
     * A store that does not run requests in parallel may run it on the caller's thread.
     *
     * @param <T>  what the task returns
     * @param task the task, such as a {@link #get}
     * @return the task's future: its result, or its failure as the cause of an
     *         {@link java.util.concurrent.ExecutionException}
     */
    <T> Future<T> submit(Supplier<T> task);

    /**
     * How many tasks {@link #submit} runs at once.
     *
     * @return the pool's size, 1 or more
     */
    int parallelism();

    /**
     * The object's address, for messages.
     *
     * @param key the whole object key, or a prefix of keys
     * @return its address, such as {@code s3://bucket/key}
     */
    String url(String key);
}
