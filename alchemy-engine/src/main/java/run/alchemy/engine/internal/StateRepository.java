package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.Phase;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.log.EventCodec.Type;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The one seam through which every state read and write passes: records become bytes (serialize,
 * encrypt) and back, and — when the store has an event log — every write becomes an event.
 *
 * <p>With a log, a write is queued: it is visible to reads at once (an overlay of pending records),
 * appended to the log with the other queued writes in one batch (one fsync: group commit), and
 * only then projected into the snapshots. So snapshots are never ahead of the log, and a crash
 * loses at most the last unflushed batch; what the log holds beyond the projection mark is
 * re-projected on the next open. Reads notice snapshots changed behind the log's back (by hand or
 * by the TypeScript Alchemy) and adopt them with an external-change event.
 */
public final class StateRepository {
    private static final int BATCH_LIMIT = 1024;

    /** A record's address. */
    record Key(List<String> chain, String id) {
    }

    /** What a queued change does to the snapshots once its batch is in the log. */
    private enum Effect { PROJECT, NONE, DELETE_SCOPE }

    /** A queued change: new bytes (null: delete) and the event for it, or a scope-directory cleanup. */
    private record Op(Key key, byte[] bytes, Event event, Effect effect) {
    }

    private final StateStore store;
    private final StateSerde serde;
    private final StageLog log; // null: snapshots only
    private final RunInfo run;
    private final Map<String, Object> recordLocks = new ConcurrentHashMap<>();
    /** Queued records not yet projected, by chain then id: reads and listings see them first. */
    private final Map<List<String>, Map<String, Op>> pending = new ConcurrentHashMap<>();
    private final Map<Key, String> expected = new ConcurrentHashMap<>(); // sha256 of the snapshot the log ends with
    /** For stores that prefer batch reads: each scope's snapshots, fetched together on its first read. */
    private final Map<List<String>, Prefetched> prefetched = new ConcurrentHashMap<>();
    private final Object batchLock = new Object();
    private final Object flushLock = new Object();
    private List<Op> batch = new ArrayList<>();
    private long head;
    private long indexedAt;
    private boolean runStarted;
    private volatile RuntimeException failure;

    /** Who is writing, for run events. */
    public record RunInfo(String runId, String actor, long pid, Phase phase, String program,
                          Instant started) {
    }

    public StateRepository(StateStore store, StateSerde serde) {
        this(store, serde, null, null);
    }

    public StateRepository(StateStore store, StateSerde serde, StageLog log, RunInfo run) {
        this.store = store;
        this.serde = serde;
        this.log = log;
        this.run = run;
    }

    public StateStore store() {
        return store;
    }

    public Optional<StageLog> log() {
        return Optional.ofNullable(log);
    }

    // ------------------------------------------------------------------ opening

    /**
     * Reads the log: rebuilds the expected snapshot of every record, re-projects what the
     * snapshots miss (a crash between append and projection), and, when the log is new, imports
     * the stage's existing state. Returns the number of records re-projected or imported.
     */
    public int open(List<String> stage) {
        if (log == null) {
            return 0;
        }
        long projected = log.projected();
        long logHead = log.head();
        long indexed = loadIndex(logHead);
        long from = Math.min(indexed, projected);
        if (from >= logHead) {
            // The index and the snapshots are current: nothing in the log is newer (a no-op redeploy).
            head = indexed;
            indexedAt = indexed;
            if (projected != head) {
                log.markProjected(head);
            }
            return head == 0 ? importExisting(stage) : 0;
        }
        Map<Key, String> latest = new LinkedHashMap<>();
        Map<Key, String> toProject = new LinkedHashMap<>();
        long[] last = {indexed};
        log.read(from, (position, bytes) -> {
            Event e = EventCodec.decode(position, bytes, log.describe());
            last[0] = Math.max(last[0], position);
            if (e instanceof Checkpoint c && position > indexed) {
                latest.clear();
                expected.clear();
                c.snapshots().forEach((k, v) -> {
                    Map.Entry<List<String>, String> parsed = EventCodec.parseKey(k);
                    latest.put(new Key(parsed.getKey(), parsed.getValue()), v);
                });
            } else if (e instanceof ResourceEvent r) {
                Key key = new Key(r.chain(), r.id());
                if (position > indexed) {
                    latest.put(key, r.snapshot());
                }
                if (position > projected) {
                    toProject.put(key, r.snapshot());
                }
            }
            return true;
        });
        head = last[0];
        indexedAt = indexed;
        latest.forEach((k, v) -> {
            if (v == null) {
                expected.remove(k);
            } else {
                expected.put(k, sha256(v.getBytes(StandardCharsets.UTF_8)));
            }
        });
        List<StateStore.Write> writes = new ArrayList<>();
        toProject.forEach((k, snapshot) -> writes.add(new StateStore.Write(k.chain(), k.id(),
                snapshot == null ? null : snapshot.getBytes(StandardCharsets.UTF_8))));
        store.writeAll(writes);
        if (!toProject.isEmpty() || projected != head) {
            store.sync(); // the mark must never be ahead of durable snapshots (a power loss)
            log.markProjected(head);
        }
        if (head == 0) {
            return toProject.size() + importExisting(stage);
        }
        return toProject.size();
    }

    private static final String INDEX_MAGIC = "alchemy-java-index 1 ";

    /**
     * Loads the cached hashes of the snapshots as of some position, so that only the log after it
     * is read; returns that position, or 0 (read everything) when there is no usable cache.
     */
    private long loadIndex(long logHead) {
        Optional<byte[]> bytes = log.readIndex();
        if (bytes.isEmpty()) {
            return 0;
        }
        String text = new String(bytes.get(), StandardCharsets.UTF_8);
        try {
            int nl = text.indexOf('\n');
            if (!text.startsWith(INDEX_MAGIC) || nl < 0) {
                return 0;
            }
            long position = Long.parseLong(text.substring(INDEX_MAGIC.length(), nl));
            if (position > logHead) {
                return 0; // the log was compacted or replaced under the cache
            }
            Map<Key, String> loaded = new HashMap<>();
            Map<List<String>, List<String>> chains = new HashMap<>(); // one copy of each scope's chain
            int at = nl + 1;
            while (at < text.length()) {
                int end = text.indexOf('\n', at);
                String line = text.substring(at, end < 0 ? text.length() : end);
                Map.Entry<List<String>, String> k = EventCodec.parseKey(line.substring(65));
                loaded.put(new Key(chains.computeIfAbsent(k.getKey(), c -> c), k.getValue()), line.substring(0, 64));
                at = end < 0 ? text.length() : end + 1;
            }
            expected.putAll(loaded);
            return position;
        } catch (RuntimeException e) {
            expected.clear();
            return 0;
        }
    }

    /** Saves the hashes as of the head, when they moved since they were loaded (after the run's last flush). */
    public void saveIndex() {
        if (log == null || failure != null) {
            return;
        }
        synchronized (flushLock) {
            if (head == indexedAt || !batch.isEmpty()) {
                return;
            }
            StringBuilder out = new StringBuilder(INDEX_MAGIC).append(head).append('\n');
            expected.forEach((k, sha) -> out.append(sha).append(' ').append(EventCodec.key(k.chain(), k.id())).append('\n'));
            log.writeIndex(out.toString().getBytes(StandardCharsets.UTF_8));
            indexedAt = head;
        }
    }

    /** Adopts state written without a log (by Alchemy, or before the log existed): one event per record. */
    private int importExisting(List<String> stage) {
        int imported = 0;
        for (Map.Entry<List<String>, List<String>> scope : recordsOfStage(store, stage).entrySet()) {
            for (Map.Entry<String, byte[]> found : store.getBatch(scope.getKey(), scope.getValue()).entrySet()) {
                Key k = new Key(scope.getKey(), found.getKey());
                byte[] bytes = found.getValue();
                enqueue(new Op(k, null, event(Type.IMPORTED, k, kindOf(bytes), new String(bytes, StandardCharsets.UTF_8)),
                        Effect.NONE));
                expected.put(k, sha256(bytes));
                imported++;
            }
        }
        flush();
        return imported;
    }

    /**
     * The ids of every record a stage holds in the store, by scope chain: the stage's own record
     * (in the app's scope), then the stage's scope and every scope below it, one listing each.
     */
    public static Map<List<String>, List<String>> recordsOfStage(StateStore store, List<String> stage) {
        List<String> app = List.copyOf(stage.subList(0, stage.size() - 1));
        String stageName = stage.get(stage.size() - 1);
        Map<List<String>, List<String>> scopes = new LinkedHashMap<>();
        if (store.list(app).contains(stageName)) {
            scopes.put(app, List.of(stageName));
        }
        walk(store, List.copyOf(stage), scopes);
        return scopes;
    }

    private static void walk(StateStore store, List<String> chain, Map<List<String>, List<String>> into) {
        StateStore.Contents contents = store.contents(chain);
        into.put(chain, contents.ids());
        for (String child : contents.scopes()) {
            walk(store, child(chain, child), into);
        }
    }

    private String kindOf(byte[] bytes) {
        try {
            return serde.mapper().readTree(bytes).path("kind").asText("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ reads

    /** The record, deserialized with secrets opened by {@code codec} (the password of its scope). */
    public Optional<ObjectNode> read(List<String> chain, String id, SecretCodec codec) {
        return snapshot(chain, id).map(s -> serde.readRecord(s.bytes(), s.takeTree(), store.locate(chain, id), codec));
    }

    /** The records that exist among {@code ids}. */
    public Map<String, ObjectNode> readBatch(List<String> chain, Collection<String> ids, SecretCodec codec) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        if (log == null) {
            store.getBatch(chain, ids).forEach((id, bytes) ->
                    out.put(id, serde.readRecord(bytes, store.locate(chain, id), codec)));
            return out;
        }
        for (String id : ids) {
            read(chain, id, codec).ifPresent(r -> out.put(id, r));
        }
        return out;
    }

    private Optional<Snapshot> snapshot(List<String> chain, String id) {
        if (log == null) {
            return store.get(chain, id).map(Snapshot::of);
        }
        Key key = new Key(List.copyOf(chain), id);
        Map<String, Op> inChain = pending.get(key.chain());
        Op op = inChain == null ? null : inChain.get(id);
        if (op != null) {
            return Optional.ofNullable(op.bytes).map(Snapshot::of);
        }
        Optional<Snapshot> stored = stored(key);
        String want = expected.get(key);
        String have = stored.map(Snapshot::sha).orElse(null);
        if (!Objects.equals(want, have)) {
            adoptExternalChange(key, stored.map(Snapshot::bytes).orElse(null));
        }
        return stored;
    }

    /** A stored record: its bytes, their hash, and its parsed tree until a reader takes it (reviving changes it). */
    private static final class Snapshot {
        private final byte[] bytes;
        private String sha; // computed on first use when not given; a race computes the same value twice
        private final AtomicReference<ObjectNode> tree;

        Snapshot(byte[] bytes, String sha, ObjectNode tree) {
            this.bytes = bytes;
            this.sha = sha;
            this.tree = new AtomicReference<>(tree);
        }

        static Snapshot of(byte[] bytes) {
            return new Snapshot(bytes, null, null);
        }

        byte[] bytes() {
            return bytes;
        }

        String sha() {
            if (sha == null) {
                sha = sha256(bytes);
            }
            return sha;
        }

        ObjectNode takeTree() {
            return tree.getAndSet(null);
        }
    }

    /** Records asked of the store at a time when a scope is read in the background. */
    private static final int READ_CHUNK = 64;
    /** How far the background read parses ahead of the program's reads (each tree is held until taken). */
    private static final int PARSE_LEAD = 256;
    /** How long the background read waits for the program to catch up before it reads on without parsing. */
    private static final long CATCH_UP_NANOS = 2_000_000;

    /**
     * A scope's snapshots, for stores that prefer batch reads: listed on the scope's first use, then
     * read, hashed and parsed in the background in listing order, so that the program decides on
     * the first records while later ones are still being read. Kept current with this run's own
     * writes (the run holds the stage lock, so nobody else writes them): later reads and listings
     * of the scope need no request.
     */
    private static final class Prefetched {
        final Set<String> scopes;
        /** Completed with null when a listed record was gone by the time it was read. */
        final Map<String, CompletableFuture<Snapshot>> records = new ConcurrentHashMap<>();
        final AtomicInteger taken = new AtomicInteger();
        volatile long lastTaken = System.nanoTime();

        Prefetched(Collection<String> scopes) {
            this.scopes = Set.copyOf(scopes);
        }

        /** The record as read, once the background read has reached it. */
        Snapshot take(CompletableFuture<Snapshot> record) {
            taken.incrementAndGet();
            lastTaken = System.nanoTime();
            return join(record);
        }

        /** The ids of the records that exist, once every listed one has been read. */
        List<String> ids() {
            TreeSet<String> ids = new TreeSet<>();
            records.forEach((id, record) -> {
                if (join(record) != null) {
                    ids.add(id);
                }
            });
            return new ArrayList<>(ids);
        }

        /**
         * Whether the background read, at position {@code at}, should parse: only close ahead of the
         * program, for which it waits while the program is taking records (not when it stopped).
         */
        boolean parseAt(int at) {
            while (at - taken.get() > PARSE_LEAD && System.nanoTime() - lastTaken < CATCH_UP_NANOS) {
                LockSupport.parkNanos(50_000);
            }
            return at - taken.get() <= PARSE_LEAD;
        }

        private static Snapshot join(CompletableFuture<Snapshot> record) {
            try {
                return record.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    private Prefetched prefetch(List<String> chain) {
        return prefetched.computeIfAbsent(chain, c -> {
            StateStore.Contents contents = store.contents(c);
            Prefetched scope = new Prefetched(contents.scopes());
            List<String> ids = contents.ids();
            List<CompletableFuture<Snapshot>> futures = new ArrayList<>(ids.size());
            for (String id : ids) {
                CompletableFuture<Snapshot> f = new CompletableFuture<>();
                scope.records.put(id, f);
                futures.add(f);
            }
            if (ids.size() <= READ_CHUNK) {
                readInto(scope, c, ids, futures);
            } else {
                Thread reader = new Thread(() -> readInto(scope, c, ids, futures), "alchemy-state-reader");
                reader.setDaemon(true);
                reader.start();
            }
            return scope;
        });
    }

    private void readInto(Prefetched scope, List<String> chain, List<String> ids, List<CompletableFuture<Snapshot>> into) {
        int done = 0;
        try {
            for (int from = 0; from < ids.size(); from += READ_CHUNK) {
                int to = Math.min(ids.size(), from + READ_CHUNK);
                Map<String, byte[]> found = store.getBatch(chain, ids.subList(from, to));
                for (int i = from; i < to; i++) {
                    byte[] bytes = found.get(ids.get(i));
                    into.get(i).complete(bytes == null ? null : new Snapshot(bytes, sha256(bytes),
                            scope.parseAt(i) ? serde.parseRecord(bytes) : null));
                    done = i + 1;
                }
            }
        } catch (Throwable e) {
            // whoever waits for a record not read yet gets the failure (a typed store error)
            for (int i = done; i < into.size(); i++) {
                into.get(i).completeExceptionally(e);
            }
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private Optional<Snapshot> stored(Key key) {
        if (!store.prefersBatchReads()) {
            return store.get(key.chain(), key.id()).map(Snapshot::of);
        }
        Prefetched scope = prefetch(key.chain());
        CompletableFuture<Snapshot> record = scope.records.get(key.id());
        Snapshot found = record == null ? null : scope.take(record);
        if (found == null && store.confirmsAbsenceByReading()) {
            return store.get(key.chain(), key.id()).map(Snapshot::of);
        }
        return Optional.ofNullable(found);
    }

    /** Scopes this run wrote records in. */
    private final Set<List<String>> writtenChains = ConcurrentHashMap.newKeySet();

    /**
     * Whether a scope is known to hold no records without asking the store: its parent was
     * prefetched with no child container of that name, and this run wrote nothing in it. Every
     * resource is a scope (for its children), so this spares a remote store a listing per resource.
     */
    private boolean knownEmpty(List<String> chain) {
        if (chain.size() < 2 || writtenChains.contains(chain)) {
            return false;
        }
        Prefetched parent = prefetched.get(chain.subList(0, chain.size() - 1));
        String name = chain.get(chain.size() - 1);
        int slash = name.indexOf('/'); // a name with '/' nests its container under the first segment
        return parent != null && !parent.scopes.contains(slash < 0 ? name : name.substring(0, slash));
    }

    /** This run writes (null: deletes) the record: a prefetched copy of its scope follows. */
    private void track(Key key, byte[] bytes) {
        writtenChains.add(key.chain());
        Prefetched scope = prefetched.get(key.chain());
        if (scope != null) {
            if (bytes == null) {
                scope.records.remove(key.id());
            } else {
                scope.records.put(key.id(), CompletableFuture.completedFuture(Snapshot.of(bytes)));
            }
        }
    }

    /** A snapshot differs from what the log says: the log adopts it, it is never silently overwritten. */
    private void adoptExternalChange(Key key, byte[] found) {
        String text = found == null ? null : new String(found, StandardCharsets.UTF_8);
        String kind = found == null ? "" : kindOf(found);
        enqueue(new Op(key, null, event(Type.EXTERNAL_CHANGE, key, kind, text), Effect.NONE));
        if (found == null) {
            expected.remove(key);
        } else {
            expected.put(key, sha256(found));
        }
    }

    public List<String> list(List<String> chain) {
        List<String> ids;
        if (!store.prefersBatchReads()) {
            ids = store.list(chain);
        } else if (prefetched.containsKey(chain)) {
            ids = prefetched.get(chain).ids();
        } else {
            ids = knownEmpty(chain) ? List.of() : store.list(chain);
        }
        Map<String, Op> inChain = log == null ? null : pending.get(chain);
        if (log != null) {
            noticeExternalDeletions(chain, ids, inChain);
        }
        if (inChain == null || inChain.isEmpty()) {
            return ids;
        }
        TreeSet<String> merged = new TreeSet<>(ids);
        inChain.forEach((id, op) -> {
            if (op.bytes == null) {
                merged.remove(id);
            } else {
                merged.add(id);
            }
        });
        return new ArrayList<>(merged);
    }

    /** The ids the log expects in each scope, grouped on first use (later keys are this run's own writes). */
    private volatile Map<List<String>, List<String>> expectedByChain;

    /**
     * Records the log holds that the listing no longer shows were deleted behind its back (by hand
     * or by the TypeScript Alchemy): the log adopts the deletion, as it adopts changed snapshots on
     * read, so that history and rebuilds do not bring them back.
     */
    private void noticeExternalDeletions(List<String> chain, List<String> listed, Map<String, Op> inChain) {
        Map<List<String>, List<String>> byChain = expectedByChain;
        if (byChain == null) {
            synchronized (this) {
                if (expectedByChain == null) {
                    Map<List<String>, List<String>> grouped = new HashMap<>();
                    expected.keySet().forEach(k -> grouped.computeIfAbsent(k.chain(), c -> new ArrayList<>()).add(k.id()));
                    expectedByChain = grouped;
                }
                byChain = expectedByChain;
            }
        }
        List<String> ids = byChain.get(chain);
        if (ids == null) {
            return;
        }
        Set<String> present = null;
        for (String id : ids) {
            Key key = new Key(List.copyOf(chain), id);
            if (!expected.containsKey(key) || (inChain != null && inChain.containsKey(id))) {
                continue;
            }
            if (present == null) {
                present = new HashSet<>(listed);
            }
            // A directory listing taken while snapshots are being renamed into place may miss an
            // entry: only a record that is really gone is adopted as deleted.
            if (!present.contains(id) && store.get(chain, id).isEmpty()) {
                adoptExternalChange(key, null);
                Prefetched scope = prefetched.get(key.chain());
                if (scope != null) {
                    scope.records.remove(id);
                }
            }
        }
    }

    public List<String> listScopes(List<String> chain) {
        return store.listScopes(chain);
    }

    public String locate(List<String> chain, String id) {
        return store.locate(chain, id);
    }

    // ------------------------------------------------------------------ writes

    public void write(List<String> chain, String id, ObjectNode record, SecretCodec codec, Type type) {
        byte[] bytes = serde.writeRecord(record, fqn(chain, id), codec);
        if (log == null) {
            store.put(chain, id, bytes);
            return;
        }
        Key key = new Key(List.copyOf(chain), id);
        String text = new String(bytes, StandardCharsets.UTF_8);
        enqueue(new Op(key, bytes, event(type, key, record.path("kind").asText(""), text), Effect.PROJECT));
        expected.put(key, sha256(bytes));
    }

    public void delete(List<String> chain, String id, String kind) {
        if (log == null) {
            store.delete(chain, id);
            return;
        }
        Key key = new Key(List.copyOf(chain), id);
        enqueue(new Op(key, null, event(Type.DELETED, key, kind, null), Effect.PROJECT));
        expected.remove(key);
    }

    public void deleteScope(List<String> chain) {
        if (log == null) {
            store.deleteScope(chain);
            return;
        }
        enqueue(new Op(new Key(List.copyOf(chain), ""), null, null, Effect.DELETE_SCOPE));
    }

    /**
     * Read-modify-write of one record, serialised against other updates of the same record in
     * this process. {@code change} gets the current record (or null) and returns the new one, or
     * null to write nothing.
     */
    public void update(List<String> chain, String id, SecretCodec codec, Type type, UnaryOperator<ObjectNode> change) {
        Object lock = recordLocks.computeIfAbsent(fqn(chain, id), k -> new Object());
        synchronized (lock) {
            ObjectNode next = change.apply(read(chain, id, codec).orElse(null));
            if (next != null) {
                write(chain, id, next, codec, type);
            }
        }
    }

    private Event event(Type type, Key key, String kind, String snapshot) {
        return EventCodec.resource(type, 0, Instant.now(), run.runId(), key.chain(), key.id(), kind, snapshot);
    }

    private void enqueue(Op op) {
        rethrowFailure();
        if (op.key != null && op.effect == Effect.PROJECT) {
            track(op.key, op.bytes);
        }
        boolean full;
        synchronized (batchLock) {
            batch.add(op);
            if (op.effect == Effect.PROJECT) {
                pending.computeIfAbsent(op.key.chain(), c -> new ConcurrentHashMap<>()).put(op.key.id(), op);
            }
            full = batch.size() >= BATCH_LIMIT;
        }
        if (full) {
            flush();
        }
    }

    /**
     * Appends every queued event in one batch (one fsync), then projects the final state of each
     * touched record into the snapshots and moves the projection mark. A conflict (another run
     * appended) fails this run: its view of the state is stale.
     */
    public void flush() {
        if (log == null) {
            return;
        }
        synchronized (flushLock) {
            rethrowFailure();
            List<Op> ops;
            synchronized (batchLock) {
                if (batch.isEmpty()) {
                    return;
                }
                ops = batch;
                batch = new ArrayList<>();
            }
            List<byte[]> lines = new ArrayList<>(ops.size() + 1);
            if (!runStarted) {
                lines.add(EventCodec.encode(new RunStarted(0, run.started(), run.runId(), run.actor(), run.pid(),
                        run.phase(), run.program())));
            }
            for (Op op : ops) {
                if (op.event != null) {
                    lines.add(EventCodec.encode(op.event));
                }
            }
            try {
                head = log.append(head, lines);
                runStarted = true;
                project(ops);
                store.sync(); // the mark must never be ahead of durable snapshots (a power loss)
                log.markProjected(head);
            } catch (RuntimeException e) {
                failure = e instanceof AlchemyException ? e : new AlchemyException("writing state failed: " + e.getMessage(), e);
                throw failure;
            } finally {
                // Under the lock that queues writes: a scope's map dropped here as empty must not be
                // the one a concurrent enqueue is adding to, or that write would vanish from reads.
                synchronized (batchLock) {
                    for (Op op : ops) {
                        if (op.effect == Effect.PROJECT) {
                            Map<String, Op> inChain = pending.get(op.key.chain());
                            if (inChain != null && inChain.remove(op.key.id(), op) && inChain.isEmpty()) {
                                pending.remove(op.key.chain());
                            }
                        }
                    }
                }
            }
        }
    }

    /** Writes each touched record's final bytes; superseded intermediate writes are skipped. */
    private void project(List<Op> ops) {
        Map<Key, Integer> last = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).effect == Effect.PROJECT) {
                last.put(ops.get(i).key, i);
            }
        }
        List<StateStore.Write> writes = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op.effect == Effect.DELETE_SCOPE) {
                store.writeAll(writes); // the scope's records go before the scope
                writes.clear();
                store.deleteScope(op.key.chain());
            } else if (op.effect == Effect.PROJECT && last.get(op.key) == i) {
                writes.add(new StateStore.Write(op.key.chain(), op.key.id(), op.bytes));
            }
        }
        store.writeAll(writes);
    }

    /** Appends the run's end (only for runs that wrote something) and flushes. */
    public void finishRun(boolean succeeded, Map<Action, Integer> counts, int failed) {
        if (log == null) {
            return;
        }
        flush();
        if (runStarted) {
            long duration = java.time.Duration.between(run.started(), Instant.now()).toMillis();
            enqueue(new Op(null, null, new RunFinished(0, Instant.now(), run.runId(),
                    succeeded ? "succeeded" : "failed", duration,
                    counts.getOrDefault(Action.CREATED, 0),
                    counts.getOrDefault(Action.UPDATED, 0),
                    counts.getOrDefault(Action.REPLACED, 0),
                    counts.getOrDefault(Action.DELETED, 0),
                    counts.getOrDefault(Action.SKIPPED, 0), failed), Effect.NONE));
            flush();
        }
    }

    private void rethrowFailure() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fqn(List<String> chain, String id) {
        return String.join("/", chain) + "/" + id;
    }

    static List<String> child(List<String> chain, String name) {
        List<String> c = new ArrayList<>(chain.size() + 1);
        c.addAll(chain);
        c.add(name);
        return List.copyOf(c);
    }
}
