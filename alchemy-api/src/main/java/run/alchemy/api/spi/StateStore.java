package run.alchemy.api.spi;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where state records live. A store moves finished bytes: the engine serializes, encrypts and
 * compares; the store only reads and writes documents with the right atomicity, addressed by a
 * scope chain ({@code [app, stage, …]}) and a resource id, laid out as Alchemy lays them out.
 *
 * <p>Implementations are thread-safe. Ids and chain elements reaching a store were validated by
 * the engine (non-empty, no {@code :}, no {@code .}/{@code ..} segments, no leading, trailing or
 * doubled {@code /}, no control characters); stores still refuse anything that would leave their
 * root. An id may contain {@code /} (as {@code api/v1/route}): it names one record of the scope,
 * listed as written, not a record of a child scope. Records are independent: writing or deleting
 * one never changes another, in the same scope or in another stage or app. A store that cannot
 * reach, read or write its medium says so with a {@link run.alchemy.api.StoreException} naming
 * what failed. Its conformance suite is {@code StateStoreContract} of alchemy-testkit.
 */
public interface StateStore extends AutoCloseable {

    /**
     * The record's bytes, or empty when there is none.
     *
     * @param chain the scope's chain, e.g. {@code [my-app, dev]}
     * @param id    the record's id within the scope
     * @return the bytes last put (a store that keeps another spelling of the same JSON, such as the
     *         Durable Object store, may return that spelling), or empty when there is no record
     */
    Optional<byte[]> get(List<String> chain, String id);

    /**
     * The records that exist among {@code ids}; missing ones are left out. The default calls
     * {@link #get} for each; a store that {@link #prefersBatchReads} overrides it (reads in
     * parallel, or in one request).
     *
     * @param chain the scope's chain
     * @param ids   the ids to read, within that scope
     * @return id to bytes (as {@link #get} gives them) for each id that has a record
     */
    default Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        Map<String, byte[]> found = new LinkedHashMap<>();
        for (String id : ids) {
            get(chain, id).ifPresent(bytes -> found.put(id, bytes));
        }
        return found;
    }

    /**
     * Replaces the record atomically: a reader sees the old bytes or the new, never a mix. The
     * write is durable when this returns. Creates the scope's container (directory) as needed.
     *
     * @param chain the scope's chain
     * @param id    the record's id within the scope
     * @param json  the record's whole new bytes: one JSON document, as the engine wrote it
     */
    void put(List<String> chain, String id, byte[] json);

    /**
     * Removes the record; a missing record is not an error. Durable when this returns.
     *
     * @param chain the scope's chain
     * @param id    the record's id within the scope
     */
    void delete(List<String> chain, String id);

    /**
     * One record's new bytes, or its removal ({@code json} null).
     *
     * @param chain the scope's chain
     * @param id    the record's id within the scope
     * @param json  the record's whole new bytes, or null to delete it
     */
    record Write(List<String> chain, String id, byte[] json) {
    }

    /**
     * Applies writes of distinct records, in any order or at once (a remote store sends them in
     * parallel); each one is atomic on its own. Unlike {@link #put} and {@link #delete}, they need
     * not be durable when this returns, only once a later {@link #sync} returns: the engine uses
     * this when an event log is the durability point and syncs once before it records (in the
     * log's projection mark) that the snapshots hold the batch. The default writes one by one.
     *
     * @param writes the writes, at most one per record
     */
    default void writeAll(List<Write> writes) {
        for (Write w : writes) {
            if (w.json() == null) {
                delete(w.chain(), w.id());
            } else {
                put(w.chain(), w.id(), w.json());
            }
        }
    }

    /**
     * {@link #writeAll}, answering the version token each written record now has, exactly as
     * {@link #contents} would list it in {@link Contents#versions}: a store whose write response
     * names it (an S3 {@code PutObject}'s ETag) implements this, so that the engine knows, on the
     * next run, that a record it wrote is untouched without reading it. The default calls
     * {@link #writeAll} and knows no token, so a store that wraps another and intercepts
     * {@code writeAll} still sees every write.
     *
     * @param writes the writes, at most one per record
     * @return the token of each write, in the order of {@code writes}: null for a deletion, or where the store names none
     */
    default List<String> writeAllVersioned(List<Write> writes) {
        writeAll(writes);
        return java.util.Collections.nCopies(writes.size(), null);
    }

    /**
     * What a scope holds: the ids of its records, the names of its child scopes, and each record's
     * version token where the listing carries one at no extra cost (an ETag, a row version): an
     * opaque string that changes whenever the record's bytes do, so that a reader can tell an
     * untouched record from the listing alone. Ids without a token (every id, for a store whose
     * listing has none) are simply absent from {@code versions}.
     *
     * @param ids      the ids of the records directly in the scope
     * @param scopes   the names of the child scopes that have a container here
     * @param versions id to version token, only for listed ids whose listing carries one
     */
    record Contents(List<String> ids, List<String> scopes, Map<String, String> versions) {
        /**
         * Contents holding unmodifiable copies of the lists and the map.
         *
         * @param ids      the ids of the records directly in the scope
         * @param scopes   the names of the child scopes that have a container here
         * @param versions id to version token, only for listed ids whose listing carries one
         * @throws NullPointerException if an argument, an element, a key or a value is null
         */
        public Contents {
            ids = List.copyOf(ids);
            scopes = List.copyOf(scopes);
            versions = Map.copyOf(versions);
        }

        /**
         * Contents whose listing carries no version tokens.
         *
         * @param ids    the ids of the records directly in the scope
         * @param scopes the names of the child scopes that have a container here
         */
        public Contents(List<String> ids, List<String> scopes) {
            this(ids, scopes, Map.of());
        }
    }

    /**
     * The records directly in this scope (ids containing {@code /} restored) and the child scopes
     * that have a container here, from one listing. A scope that does not exist lists empty. Their
     * order is not part of the contract (most stores list them sorted).
     *
     * @param chain the scope's chain
     * @return the scope's record ids, child scope names and, where the listing has them, version tokens
     */
    Contents contents(List<String> chain);

    /**
     * A scope's {@link Contents} together with the bytes of its records, as {@link #readScope} answers it.
     *
     * @param contents the scope's listing
     * @param records  id to bytes for the listed ids; a listed id missing here was deleted while
     *                 the scope was read
     */
    record ScopeRead(Contents contents, Map<String, byte[]> records) {
        /**
         * A scope read holding an unmodifiable copy of {@code records}.
         *
         * @param contents the scope's listing
         * @param records  id to bytes for the listed ids, copied
         * @throws NullPointerException if {@code records}, a key or a value is null
         */
        public ScopeRead {
            records = Map.copyOf(records);
        }
    }

    /**
     * The scope's contents and the bytes of all its records, when the store answers both in about
     * one round trip (alchemy-java's Durable Object worker reads a scope in one request, in pages
     * only when the answer would be too large): the engine then reads a scope with it instead of a
     * listing and batched reads. Empty, the default, when the store cannot. A listed id missing from
     * {@code records} was deleted while the scope was read.
     *
     * @param chain the scope's chain
     * @return what {@link #contents} and {@link #getBatch} of the listed ids would give (an empty
     *         scope reads as empty contents), or empty for every scope when the store cannot
     */
    default Optional<ScopeRead> readScope(List<String> chain) {
        return Optional.empty();
    }

    /**
     * Ids of the records directly in this scope.
     *
     * @param chain the scope's chain
     * @return the {@link Contents#ids()} of {@link #contents}
     */
    default List<String> list(List<String> chain) {
        return contents(chain).ids();
    }

    /**
     * Names of the child scopes that have a container here.
     *
     * @param chain the scope's chain
     * @return the {@link Contents#scopes()} of {@link #contents}
     */
    default List<String> listScopes(List<String> chain) {
        return contents(chain).scopes();
    }

    /**
     * Removes the scope's container if it holds no records; otherwise leaves it. Afterwards an
     * emptied scope no longer lists among its parent's {@link #listScopes}.
     *
     * @param chain the scope's chain
     */
    void deleteScope(List<String> chain);

    /**
     * Where a record lives, for messages: a file path, a URL, an object key.
     *
     * @param chain the scope's chain
     * @param id    the record's id within the scope
     * @return the location, whether or not the record exists; reads and writes nothing
     */
    String locate(List<String> chain, String id);

    /**
     * Whether reads are cheaper in bulk ({@link #getBatch} of many records) than one by one, as
     * with a remote store where each read is a round trip, or files read in parallel: the engine
     * then lists a scope the first time it reads one of its records and reads the scope's records
     * in the background, a batch at a time, ahead of the program.
     *
     * @return true to have the engine read ahead in batches; false, the default, to read each
     *         record when it is needed
     */
    default boolean prefersBatchReads() {
        return false;
    }

    /**
     * Whether a record missing from a listing of its scope should still be read alone before the
     * engine creates it, because a child scope the same listing shows may stand in its place (a
     * directory named like the record's file), which a read reports as corrupt state: the run then
     * fails before the provider is called. Asked only for ids the listing does not show.
     *
     * @param id     the record's id, absent from the listing
     * @param scopes the names of the child scopes the listing shows
     * @return true to have the engine confirm the absence with {@link #get}; false, the default,
     *         to trust the listing
     */
    default boolean confirmsAbsenceByReading(String id, Set<String> scopes) {
        return false;
    }

    /**
     * Makes every {@link #writeAll} that returned before this call durable (for files: fsync the
     * written files and their directories). A store whose writes are durable when they return (an
     * S3 PUT) does nothing, which is the default.
     */
    default void sync() {
    }

    /**
     * The storage of a stage's event log, kept where Alchemy never looks, or empty when this store
     * keeps no logs (then snapshots are the only state, written durably one by one). Opening writes
     * nothing: a log that does not exist yet reads as empty until something is written to it.
     * {@code LogStoreContract} (alchemy-testkit) checks a store's logs.
     *
     * @param app   the app name, the first element of the stage's chain
     * @param stage the stage name, the second element
     * @return a new instance on the stage's log, which the caller closes; empty, the default, when
     *         this store keeps no logs
     */
    default Optional<LogStore> logStore(String app, String stage) {
        return Optional.empty();
    }

    /**
     * The stages of {@code app} that have an event log in this store, found without opening or
     * creating one (a stage whose records are all gone still has its history). A store that keeps
     * logs answers this; the default, for stores without logs, is none.
     *
     * @param app the app name
     * @return the names of the stages whose {@link #logStore} was ever written to
     */
    default Set<String> eventLogStages(String app) {
        return Set.of();
    }

    /**
     * Whether the stage has a log here (anything was ever written to its {@link #logStore}: a
     * record, or a control object alone). Answers without writing anything; the default asks
     * {@link #eventLogStages}, a store may answer it more cheaply.
     *
     * @param app   the app name
     * @param stage the stage name
     * @return true once the stage's log was written to; false before, also after it was opened or read
     */
    default boolean hasLog(String app, String stage) {
        return eventLogStages(app).contains(stage);
    }

    /**
     * What the command should say once, as one sentence, about this store's event logs: why
     * {@link #logStore} is empty here although this kind of store keeps logs (the server behind it
     * lacks the log methods: the engine then keeps no history and takes no stage lock), or what the
     * log here does not guarantee (a log over an API without conditional writes), or where a store
     * with several kinds of log keeps this one. Empty when there is nothing to tell. Asking may cost the store one request, never a write.
     *
     * @return the sentence, or empty (the default)
     */
    default Optional<String> logNote() {
        return Optional.empty();
    }

    /**
     * Releases what this instance holds (connections, file handles, threads); the stored records
     * and logs are unaffected. The default does nothing.
     */
    @Override
    default void close() {
    }
}
