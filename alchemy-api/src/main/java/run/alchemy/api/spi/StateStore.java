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
 * the engine (non-empty, no {@code :}, no {@code .}/{@code ..} segments, no control characters);
 * stores still refuse anything that would leave their root.
 */
public interface StateStore extends AutoCloseable {

    /** The record's bytes, or empty when there is none. */
    Optional<byte[]> get(List<String> chain, String id);

    /** The records that exist among {@code ids}; missing ones are left out. */
    default Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        Map<String, byte[]> found = new LinkedHashMap<>();
        for (String id : ids) {
            get(chain, id).ifPresent(bytes -> found.put(id, bytes));
        }
        return found;
    }

    /** Replaces the record atomically: a reader sees the old bytes or the new, never a mix. */
    void put(List<String> chain, String id, byte[] json);

    /** Removes the record; a missing record is not an error. */
    void delete(List<String> chain, String id);

    /** One record's new bytes, or its removal ({@code json} null). */
    record Write(List<String> chain, String id, byte[] json) {
    }

    /**
     * Applies writes of distinct records, in any order or at once (a remote store sends them in
     * parallel); each one is atomic on its own. Unlike {@link #put} and {@link #delete}, they need
     * not be durable when this returns, only once a later {@link #sync} returns: the engine uses
     * this when an event log is the durability point and syncs once before it records (in the
     * log's projection mark) that the snapshots hold the batch. The default writes one by one.
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
     * What a scope holds: the ids of its records, the names of its child scopes, and each record's
     * version token where the listing carries one at no extra cost (an ETag, a row version): an
     * opaque string that changes whenever the record's bytes do, so that a reader can tell an
     * untouched record from the listing alone. Ids without a token (every id, for a store whose
     * listing has none) are simply absent from {@code versions}.
     */
    record Contents(List<String> ids, List<String> scopes, Map<String, String> versions) {
        public Contents {
            ids = List.copyOf(ids);
            scopes = List.copyOf(scopes);
            versions = Map.copyOf(versions);
        }

        /** Contents whose listing carries no version tokens. */
        public Contents(List<String> ids, List<String> scopes) {
            this(ids, scopes, Map.of());
        }
    }

    /**
     * The records directly in this scope (ids containing {@code /} restored) and the child scopes
     * that have a container here, sorted, from one listing.
     */
    Contents contents(List<String> chain);

    /** A scope's {@link Contents} together with the bytes of its records, as {@link #readScope} answers it. */
    record ScopeRead(Contents contents, Map<String, byte[]> records) {
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
     */
    default Optional<ScopeRead> readScope(List<String> chain) {
        return Optional.empty();
    }

    /** Ids of the records directly in this scope. */
    default List<String> list(List<String> chain) {
        return contents(chain).ids();
    }

    /** Names of the child scopes that have a container here. */
    default List<String> listScopes(List<String> chain) {
        return contents(chain).scopes();
    }

    /** Removes the scope's container if it holds no records; otherwise leaves it. */
    void deleteScope(List<String> chain);

    /** Where a record lives, for messages: a file path, a URL, an object key. */
    String locate(List<String> chain, String id);

    /**
     * Whether reads are cheaper in bulk ({@link #getBatch} of many records) than one by one, as
     * with a remote store where each read is a round trip, or files read in parallel: the engine
     * then lists a scope the first time it reads one of its records and reads the scope's records
     * in the background, a batch at a time, ahead of the program.
     */
    default boolean prefersBatchReads() {
        return false;
    }

    /**
     * Whether a record missing from a batch read of its scope should still be read alone before
     * the engine creates it, because something the listing does not show as a record can stand in
     * its place (a directory where a file would be), which a read reports as corrupt state.
     * Cheap for a local store; a remote one answers false and spares the request.
     */
    default boolean confirmsAbsenceByReading() {
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
     */
    default Optional<LogStore> logStore(String app, String stage) {
        return Optional.empty();
    }

    /**
     * The stages of {@code app} that have an event log in this store, found without opening or
     * creating one (a stage whose records are all gone still has its history). A store that keeps
     * logs answers this; the default, for stores without logs, is none.
     */
    default Set<String> eventLogStages(String app) {
        return Set.of();
    }

    /**
     * Whether the stage has a log here (anything was ever written to its {@link #logStore}).
     * Answers without writing anything; the default asks {@link #eventLogStages}, a store may
     * answer it more cheaply.
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
     */
    default Optional<String> logNote() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
