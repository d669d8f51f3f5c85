package run.alchemy.engine.internal.state;

import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The stored snapshots as the run reads them. For stores that prefer batch reads, a scope is
 * read whole on its first use where the store answers a scope at once ({@link StateStore#readScope});
 * otherwise it is listed, then its records are read, hashed and parsed in the background in
 * listing order, so that the program decides on the first records while later ones are still
 * being read; later reads and listings of the scope need no request. It holds what the store held:
 * records the run wrote are answered from {@link RunWrites} before this is asked. A record whose
 * listed version names bytes already known ({@link KnownBodies}) is not read again.
 */
final class ReadAhead {
    /** Records' bytes known without a read, by the version a listing shows for them. */
    interface KnownBodies {
        KnownBodies NONE = new KnownBodies() {
            @Override
            public Snapshot known(Key key, String version) {
                return null;
            }

            @Override
            public void observed(Key key, String version, byte[] bytes, String digest) {
            }
        };

        /** The record's bytes and their hash while the listing shows {@code version}, or null when not known. */
        Snapshot known(Key key, String version);

        /** The record, listed with {@code version} (null: the store names none), was read: these bytes. */
        void observed(Key key, String version, byte[] bytes, String digest);
    }

    /**
     * Records asked of the store in the first request of a scope's background read: few, so that
     * the program decides on the first records early. Each later request asks for twice as many,
     * up to {@link #MAX_CHUNK}, so that a remote store answers a large scope in few round trips
     * (500 records: 4 store calls instead of 8; 10,000: 13 instead of 157).
     */
    private static final int READ_CHUNK = 64;
    private static final int MAX_CHUNK = 1024;
    /** How far the background read parses ahead of the program's reads (each tree is held until taken). */
    private static final int PARSE_LEAD = 256;
    /**
     * How far the background read fetches ahead of the program's reads: the bytes of records read
     * and not yet taken are held, so a read that ran to the end of a large scope held all of it
     * (10,000 records: a third of the whole process's live heap). A chunk is fetched once the
     * program is this close to it, which leaves the fetch a thousand decisions' time to answer.
     */
    private static final int FETCH_LEAD = 1024;
    /** How long the background read waits for the program to read on before it stops waiting: the program went on to other work. */
    private static final long CATCH_UP_NANOS = 100_000_000L;

    private final StateStore store;
    private final StateSerde serde;
    /** Whether the background read also hashes each record: drift detection compares hashes; without a log nothing does. */
    private final boolean hashAhead;
    private final KnownBodies known;
    private final Map<List<String>, CompletableFuture<Scope>> scopes = new ConcurrentHashMap<>();

    private final int fetchLead;
    private final long catchUpNanos;

    ReadAhead(StateStore store, StateSerde serde, boolean hashAhead, KnownBodies known) {
        this(store, serde, hashAhead, known, FETCH_LEAD, CATCH_UP_NANOS);
    }

    /** With the lead and the wait a test sets. */
    ReadAhead(StateStore store, StateSerde serde, boolean hashAhead, KnownBodies known, int fetchLead, long catchUpNanos) {
        this.store = store;
        this.serde = serde;
        this.hashAhead = hashAhead;
        this.known = known;
        this.fetchLead = fetchLead;
        this.catchUpNanos = catchUpNanos;
    }

    /** The record as stored, or empty. */
    Optional<Snapshot> stored(Key key) {
        return stored(key, null);
    }

    /**
     * The record as stored, or empty. The first read of a scope names the codec its reader opens
     * secrets with (null: none known): the background read opens the records' secrets with it.
     */
    Optional<Snapshot> stored(Key key, SecretCodec codec) {
        if (!store.prefersBatchReads()) {
            return store.get(key.chain(), key.id()).map(Snapshot::of);
        }
        Scope scope = scope(key.chain(), codec);
        Snapshot found = scope.take(key.id());
        if (found == scope.letGo || found == null && store.confirmsAbsenceByReading(key.id(), scope.scopes)) {
            return store.get(key.chain(), key.id()).map(Snapshot::of);
        }
        return Optional.ofNullable(found);
    }

    /** The ids of the records the store holds in the scope. */
    List<String> ids(List<String> chain) {
        if (!store.prefersBatchReads()) {
            return store.list(chain);
        }
        if (scopes.containsKey(chain)) {
            return scope(chain, null).ids();
        }
        return knownEmpty(chain) ? List.of() : store.list(chain);
    }

    /**
     * Whether the store is known to hold no container for a scope below the stage, as
     * {@link #knownEmpty} tells (what this run wrote there is for the caller to know).
     */
    boolean knownWithoutContainer(List<String> chain) {
        return store.prefersBatchReads() && knownEmpty(chain);
    }

    /**
     * Whether a scope below the stage is known to hold no records without asking the store: its
     * parent was read ahead with no child container of that name (what this run wrote there is
     * merged into the listing by the caller). Every resource is a scope (for its children), so this
     * spares a remote store a listing per resource. A stage itself is always listed: a store that
     * keeps each stage apart (a Durable Object per stage) shows no stages in its app's scope.
     */
    private boolean knownEmpty(List<String> chain) {
        if (chain.size() < 3) {
            return false;
        }
        Scope parent = listed(chain.subList(0, chain.size() - 1));
        String name = chain.get(chain.size() - 1);
        int slash = name.indexOf('/'); // a name with '/' nests its container under the first segment
        return parent != null && !parent.scopes.contains(slash < 0 ? name : name.substring(0, slash));
    }

    /**
     * The scope's read-ahead, started by the first caller; the listing is taken outside the map's
     * own locking, so that a slow store blocks only those who wait for this scope.
     */
    private Scope scope(List<String> chain, SecretCodec codec) {
        CompletableFuture<Scope> mine = new CompletableFuture<>();
        CompletableFuture<Scope> first = scopes.putIfAbsent(chain, mine);
        if (first != null) {
            return join(first);
        }
        try {
            Scope scope = startReading(chain, codec);
            mine.complete(scope);
            return scope;
        } catch (RuntimeException | Error e) {
            scopes.remove(chain, mine); // the next read lists again
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** The read-ahead of a scope that completed its listing, or null. */
    private Scope listed(List<String> chain) {
        CompletableFuture<Scope> scope = scopes.get(chain);
        return scope == null || !scope.isDone() || scope.isCompletedExceptionally() ? null : scope.join();
    }

    private Scope startReading(List<String> chain, SecretCodec codec) {
        Optional<StateStore.ScopeRead> whole = store.readScope(chain);
        if (whole.isPresent()) {
            return readWhole(whole.get());
        }
        StateStore.Contents contents = store.contents(chain);
        Scope scope = new Scope(contents, codec);
        List<String> ids = contents.ids();
        List<CompletableFuture<Snapshot>> futures = new ArrayList<>(ids.size());
        for (String id : ids) {
            CompletableFuture<Snapshot> f = new CompletableFuture<>();
            scope.records.put(id, f);
            futures.add(f);
        }
        Map<String, String> versions = contents.versions();
        if (ids.size() <= READ_CHUNK) {
            readInto(scope, chain, ids, versions, futures);
        } else {
            Thread reader = new Thread(() -> readInto(scope, chain, ids, versions, futures), "alchemy-state-reader");
            reader.setDaemon(true);
            reader.start();
        }
        return scope;
    }

    /** A scope the store answered whole (one request): its trees are parsed as the program takes them. */
    private static Scope readWhole(StateStore.ScopeRead read) {
        Scope scope = new Scope(read.contents(), null);
        for (String id : read.contents().ids()) {
            byte[] bytes = read.records().get(id);
            scope.records.put(id, CompletableFuture.completedFuture(bytes == null ? null
                    : Snapshot.of(bytes)));
        }
        return scope;
    }

    /**
     * Reads the listed records chunk by chunk, each chunk's bytes fetched by a second thread while
     * this one parses the chunks before it ahead of the program, and completes each record as soon
     * as it is read; a chunk is fetched once the program has taken records to within
     * {@link #fetchLead} of it. It parses at most {@link #PARSE_LEAD} records ahead of its reads,
     * with the codec of the read that started the scope (secrets opened too). A
     * record the program reaches before its parse is parsed by the program; a program that waits
     * for a record, or stops reading, never waits for the read.
     */
    private void readInto(Scope scope, List<String> chain, List<String> ids, Map<String, String> versions,
                          List<CompletableFuture<Snapshot>> into) {
        List<int[]> chunks = new ArrayList<>();
        for (int from = 0, chunk = READ_CHUNK; from < ids.size(); from += chunk, chunk = Math.min(MAX_CHUNK, 2 * chunk)) {
            chunks.add(new int[] {from, Math.min(ids.size(), from + chunk)});
        }
        // one chunk (a small scope, read by the program's own thread): no second thread
        Executor fetcher = chunks.size() == 1 ? Runnable::run : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "alchemy-state-fetcher");
            t.setDaemon(true);
            return t;
        });
        int done = 0;
        int parsed = 0;
        try {
            CompletableFuture<Fetched> next = CompletableFuture.supplyAsync(() -> fetch(chain, ids, versions, chunks.get(0)), fetcher);
            for (int c = 0; c < chunks.size(); c++) {
                int[] range = chunks.get(c);
                parsed = parseWhileFetching(scope, ids, parsed, done, next);
                complete(chain, ids, versions, into, join(next), range);
                next = null;
                done = range[1];
                if (c + 1 < chunks.size()) {
                    int[] following = chunks.get(c + 1);
                    parsed = parseAhead(scope, ids, parsed, done, Math.max(0, following[0] - fetchLead));
                    next = CompletableFuture.supplyAsync(() -> fetch(chain, ids, versions, following), fetcher);
                }
            }
        } catch (Throwable e) {
            // whoever waits for a record not read yet gets the failure (a typed store error)
            for (int i = done; i < into.size(); i++) {
                if (into.get(i) != null) {
                    into.get(i).completeExceptionally(e);
                }
            }
            if (e instanceof Error error) {
                throw error;
            }
            return;
        } finally {
            if (fetcher instanceof ExecutorService threads) {
                threads.shutdownNow();
            }
        }
        parseAhead(scope, ids, parsed, ids.size(), -1);
    }

    /** Completes the chunk's records with their bytes as fetched, hashed where drift detection will compare them. */
    private void complete(List<String> chain, List<String> ids, Map<String, String> versions,
                          List<CompletableFuture<Snapshot>> into, Fetched fetched, int[] range) {
        for (int i = range[0]; i < range[1]; i++) {
            String id = ids.get(i);
            Snapshot hit = fetched.known().get(id);
            byte[] bytes = hit != null ? hit.bytes() : fetched.read().get(id);
            String digest = hit != null ? hit.digest() : bytes != null && hashAhead ? Snapshot.digest(bytes) : null;
            if (hit == null && digest != null) {
                known.observed(new Key(chain, id), versions.get(id), bytes, digest);
            }
            into.get(i).complete(bytes == null ? null : new Snapshot(bytes, digest));
            into.set(i, null); // the scope holds the record until the program takes it, and no longer
        }
    }

    /**
     * Parses the read records from {@code from} up to {@code to}, never more than
     * {@link #PARSE_LEAD} ahead of the program's reads and never behind them (those it parsed
     * itself). With {@code resumeAt} at 0 or more, returns once the program has taken that many
     * records, waits for a record, or stopped reading for {@link #catchUpNanos}; otherwise once it
     * parsed up to {@code to}, or the program stopped reading. Returns where it stopped parsing.
     */
    private int parseAhead(Scope scope, List<String> ids, int from, int to, int resumeAt) {
        int at = from;
        while (true) {
            int taken = scope.takes.get();
            boolean stopped = System.nanoTime() - scope.lastTaken > catchUpNanos;
            if (resumeAt < 0 ? at >= to || stopped : taken >= resumeAt || stopped || scope.waitsForUnread()) {
                return at;
            }
            if (at < taken) {
                at = taken;
                continue;
            }
            if (at >= to || at - taken >= PARSE_LEAD) {
                LockSupport.parkNanos(100_000);
                continue;
            }
            parseOne(scope, ids.get(at++));
        }
    }

    /**
     * Parses the read records from {@code from} up to {@code to} ahead of the program, as
     * {@link #parseAhead} does, while {@code fetching} (the next chunk) is fetched: the wait for a
     * store is when the program has the most records before it. Returns where it stopped parsing,
     * once the fetch is done, nothing read is left to parse, or the program stopped reading.
     */
    private int parseWhileFetching(Scope scope, List<String> ids, int from, int to, CompletableFuture<?> fetching) {
        int at = from;
        while (!fetching.isDone() && at < to) {
            int taken = scope.takes.get();
            if (System.nanoTime() - scope.lastTaken > catchUpNanos) {
                return at;
            }
            if (at < taken) {
                at = taken;
            } else if (at - taken >= PARSE_LEAD) {
                LockSupport.parkNanos(100_000);
            } else {
                parseOne(scope, ids.get(at++));
            }
        }
        return at;
    }

    private void parseOne(Scope scope, String id) {
        Snapshot s = scope.records.get(id).getNow(null);
        if (s != null && s != scope.letGo && s.wantsTree()) {
            s.offerParsed(serde.parseAhead(s.bytes(), scope.codec));
        }
    }

    /** A chunk's records: those whose listed version names known bytes, and the rest as read. */
    private record Fetched(Map<String, Snapshot> known, Map<String, byte[]> read) {
    }

    private Fetched fetch(List<String> chain, List<String> ids, Map<String, String> versions, int[] range) {
        Map<String, Snapshot> knownHere = new HashMap<>();
        List<String> toRead = new ArrayList<>(range[1] - range[0]);
        for (String id : ids.subList(range[0], range[1])) {
            Snapshot hit = known.known(new Key(chain, id), versions.get(id));
            if (hit != null) {
                knownHere.put(id, hit);
            } else {
                toRead.add(id);
            }
        }
        return new Fetched(knownHere, toRead.isEmpty() ? Map.of() : store.getBatch(chain, toRead));
    }

    /**
     * A scope's snapshots as listed and read; each completed with null when a listed record was gone
     * by its read. A record taken by the program is let go (its bytes are not held for the run): a
     * second read of it asks the store. A scope's own record is kept: the engine reads it when the
     * scope opens and again when it closes (for the replaced resources it queued), and such records are few.
     */
    private static final class Scope {
        final Set<String> scopes;
        /** The listed ids, in the listing's order. */
        final List<String> listed;
        final Map<String, CompletableFuture<Snapshot>> records = new ConcurrentHashMap<>();
        /** In place of a record the program took. */
        final Snapshot letGo = Snapshot.of(new byte[0]);
        private final CompletableFuture<Snapshot> taken = CompletableFuture.completedFuture(letGo);
        final AtomicInteger takes = new AtomicInteger();
        /** What readers wait for: while one waits for a record not read yet, the background read does not hold back. */
        private final Set<CompletableFuture<Snapshot>> awaited = ConcurrentHashMap.newKeySet();
        volatile long lastTaken = System.nanoTime();
        /** What the background read opens secrets with: the codec of the read that started it, or null. */
        final SecretCodec codec;

        Scope(StateStore.Contents contents, SecretCodec codec) {
            this.scopes = Set.copyOf(contents.scopes());
            this.listed = contents.ids();
            this.codec = codec;
        }

        /**
         * The record as read, once the background read has reached it; null when not listed or gone;
         * {@link #letGo} when taken before.
         */
        Snapshot take(String id) {
            CompletableFuture<Snapshot> record = records.get(id);
            if (record == null) {
                return null;
            }
            takes.incrementAndGet();
            lastTaken = System.nanoTime();
            Snapshot found = await(record);
            if (found != null && !scopes.contains(id)) {
                records.replace(id, record, taken);
            }
            return found;
        }

        /** The ids of the records that exist, once every listed one has been read. */
        List<String> ids() {
            List<String> ids = new ArrayList<>(listed.size());
            for (String id : listed) {
                if (await(records.get(id)) != null) {
                    ids.add(id);
                }
            }
            ids.sort(null); // most stores list sorted: then one comparison per id
            return ids;
        }

        private Snapshot await(CompletableFuture<Snapshot> future) {
            if (future.isDone()) {
                return join(future);
            }
            awaited.add(future);
            try {
                return join(future);
            } finally {
                awaited.remove(future);
            }
        }

        /** Whether a reader waits for a record the background read has not completed. */
        boolean waitsForUnread() {
            for (CompletableFuture<Snapshot> record : awaited) {
                if (!record.isDone()) {
                    return true;
                }
            }
            return false;
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
