package run.alchemy.store.r2;

import run.alchemy.api.InvalidIdException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cloudflare.JsonText;
import run.alchemy.cloudflare.Parallel;
import run.alchemy.store.r2.internal.R2Objects;
import run.alchemy.store.r2.internal.ReadCache;
import run.alchemy.store.r2.internal.RestLogObjects;
import run.alchemy.store.s3.ObjectLogs;
import run.alchemy.store.s3.S3StateStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State in a Cloudflare R2 bucket through Cloudflare's REST API, under exactly the keys Alchemy's
 * {@code R2RestStateStore} uses, so that both can share one bucket: {@code <prefix><app>/<stage>/…/<id
 * with / as :>}, the prefix being the configured one verbatim or {@code alchemy/}. Bodies are what
 * Alchemy uploads, {@code JSON.stringify(record)} (compact); the engine writes and hashes the
 * two-space form, so writes are compacted and reads re-indented to it (see {@code JsonText}): a record
 * is never seen as changed only because of whitespace, whichever side wrote it.
 *
 * <pre>{@code
 * StateStore store = R2StateStore.builder()
 *     .bucket("my-state").account("0123abcd…")      // token from CLOUDFLARE_API_TOKEN
 *     .build();
 * }</pre>
 *
 * <p><b>Event log</b>, in one of three {@link LogMode}s: on R2's S3-compatible endpoint, given S3
 * keys (atomic create-only puts: the engine's whole protocol holds); over REST alone, where
 * "create only if absent" is a read, an upload and a read-back, which keeps a second writer out
 * except in a narrow race (see {@link LogMode#REST}); or none, snapshots only, as Alchemy. Either
 * log is the S3 store's, in its layout under {@code <prefix>.alchemy-java/<app>/<stage>/}, where
 * Alchemy never lists, so both modes read the same log.
 */
public final class R2StateStore implements StateStore {
    /** Alchemy's default bucket name. */
    public static final String DEFAULT_BUCKET = "alchemy-state";
    /** Alchemy's key prefix when none is configured. */
    public static final String DEFAULT_PREFIX = "alchemy/";
    private static final String LOG_ROOT = ".alchemy-java";

    private final R2Objects objects;
    private final String prefix;
    private final Parallel parallel;
    private final LogMode mode;
    /** The stages' logs; null in {@link LogMode#NONE}. */
    private final ObjectLogs logs;
    /** What the logs hold open besides this store's REST client (the S3 client in mode S3); null when nothing. */
    private final AutoCloseable logClient;
    private final AutoCloseable client;
    private final ReadCache cache;
    /**
     * Each key's ETag as the latest listing of its scope gave it, until a batch read takes it: the
     * engine lists a scope and reads its records at once, so a body cached under that ETag answers
     * for the request.
     */
    private final Map<String, String> listed = new ConcurrentHashMap<>();

    /** Where each stage's event log is kept. */
    public enum LogMode {
        /**
         * On R2's S3-compatible endpoint with create-only puts ({@code If-None-Match: *}), which R2
         * makes atomic: of two writers of one log position or lease generation exactly one wins.
         */
        S3,
        /**
         * Over the REST API alone. An upload takes no precondition, so a create is a read, an upload
         * and a read-back: a writer whose upload lands before this one's read-back is caught (this
         * one withdraws), but one that read before this upload and uploads after its read-back is
         * not: both hold the lease, or both appended at one position and the later upload replaced
         * the earlier batch. Safe for one deployer at a time (a CI job with a concurrency group);
         * use {@link #S3} where two deploys of a stage may start together.
         */
        REST,
        /** No log: snapshots only, no history and no stage lock, exactly as Alchemy. */
        NONE
    }

    R2StateStore(R2Objects objects, String prefix, int maxConcurrency, LogMode mode, S3StateStore s3Log,
                 ReadCache cache, AutoCloseable client) {
        this.objects = objects;
        this.prefix = prefix;
        this.parallel = new Parallel(maxConcurrency, "r2-store", "R2 store");
        this.mode = mode;
        this.logs = switch (mode) {
            case S3 -> s3Log.eventLogs();
            case REST -> new ObjectLogs(new RestLogObjects(objects), prefix);
            case NONE -> null;
        };
        this.logClient = s3Log;
        this.cache = cache;
        this.client = client;
    }

    /**
     * Starts the options of a store.
     *
     * @return a builder with Alchemy's defaults (bucket {@value #DEFAULT_BUCKET}, prefix {@value #DEFAULT_PREFIX}),
     *         the rest taken from the environment
     */
    public static R2StoreBuilder builder() {
        return new R2StoreBuilder();
    }

    /**
     * The bucket the state is in.
     *
     * @return the bucket's name
     */
    public String bucket() {
        return objects.bucket();
    }

    /**
     * The Cloudflare account the bucket belongs to.
     *
     * @return the account's id: as given, from the environment, or the one the credentials see
     */
    public String account() {
        return objects.account();
    }

    /**
     * The key prefix of a scope: {@code <prefix><chain joined by />/}, the elements unescaped as
     * Alchemy joins them.
     */
    String scopePrefix(List<String> chain) {
        StringBuilder b = new StringBuilder(prefix);
        for (String element : chain) {
            if (element.isEmpty() || element.equals(".") || element.equals("..")) {
                throw new InvalidIdException(element, objects.url(b.toString()), "not a scope name");
            }
            b.append(element).append('/');
        }
        if (!chain.isEmpty() && chain.get(0).equals(LOG_ROOT)) {
            throw new InvalidIdException(chain.get(0), objects.url(prefix), "this app name is where the event logs live");
        }
        return b.toString();
    }

    /** The object key of a record: Alchemy's, {@code /} in the id becoming {@code :}. */
    String key(List<String> chain, String id) {
        if (id.isEmpty() || id.equals(".") || id.equals("..")) {
            throw new InvalidIdException(id, objects.url(scopePrefix(chain)), "not a record id");
        }
        return scopePrefix(chain) + id.replace('/', ':');
    }

    /** The record in the engine's two-space form, whatever spacing it was uploaded with. */
    @Override
    public Optional<byte[]> get(List<String> chain, String id) {
        return fetch(key(chain, id)).map(R2StateStore::pretty);
    }

    private Optional<byte[]> fetch(String key) {
        Optional<byte[]> found = objects.get(key);
        if (cache != null) {
            found.ifPresent(cache::put);
        }
        return found;
    }

    private static byte[] pretty(byte[] stored) {
        return JsonText.pretty(new String(stored, StandardCharsets.UTF_8));
    }

    /**
     * Read in parallel (the REST API has no batch read), at most {@code maxConcurrency} requests in
     * flight; a record whose ETag in the scope's latest listing names a body in the read cache is
     * taken from there, without a request.
     */
    @Override
    public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        List<String> order = new ArrayList<>(ids);
        List<Callable<Optional<byte[]>>> tasks = new ArrayList<>(order.size());
        for (String id : order) {
            String key = key(chain, id); // a bad id is refused before any request
            tasks.add(() -> {
                String etag = listed.remove(key);
                Optional<byte[]> cached = cache == null || etag == null ? Optional.empty() : cache.get(etag);
                return (cached.isPresent() ? cached : fetch(key)).map(R2StateStore::pretty);
            });
        }
        List<Optional<byte[]>> found = parallel.all(tasks);
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            String id = order.get(i);
            found.get(i).ifPresent(bytes -> out.put(id, bytes));
        }
        return out;
    }

    /** Uploads {@code JSON.stringify(record)}, as Alchemy does. */
    @Override
    public void put(List<String> chain, String id, byte[] json) {
        String key = key(chain, id);
        upload(key, compact(key, json));
    }

    private void upload(String key, byte[] body) {
        listed.remove(key);
        objects.put(key, body);
        if (cache != null) {
            cache.put(body);
        }
    }

    private void remove(String key) {
        listed.remove(key);
        objects.delete(key);
    }

    private byte[] compact(String key, byte[] json) {
        String invalid = JsonText.invalidBecause(json);
        if (invalid != null) {
            // compacting would alter text that is not JSON: refuse it rather than store other bytes
            throw new IllegalArgumentException("R2 store: the record for " + objects.url(key) + " is not JSON: " + invalid);
        }
        return JsonText.compact(json).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void delete(List<String> chain, String id) {
        remove(key(chain, id));
    }

    /** Sent in parallel, at most {@code maxConcurrency} requests in flight; each upload is durable when it returns. */
    @Override
    public void writeAll(List<Write> writes) {
        writeAllVersioned(writes);
    }

    /**
     * {@link #writeAll}; an upload's version is the hex MD5 of the bytes sent, R2's ETag of an object
     * uploaded in one part, as its listing shows it. Were R2 to name it otherwise, the record would
     * only be read once more.
     */
    @Override
    public List<String> writeAllVersioned(List<Write> writes) {
        List<Callable<String>> tasks = new ArrayList<>(writes.size());
        for (Write w : writes) {
            String key = key(w.chain(), w.id());
            byte[] body = w.json() == null ? null : compact(key, w.json());
            tasks.add(() -> {
                if (body == null) {
                    remove(key);
                    return null;
                }
                upload(key, body);
                return ReadCache.md5(body);
            });
        }
        return parallel.all(tasks);
    }

    /**
     * One listing (every page) with a {@code /} delimiter: the records and the child scopes. Alchemy
     * lists with the same delimiter, so neither side sees the other's nested scopes as records.
     */
    @Override
    public Contents contents(List<String> chain) {
        String scope = scopePrefix(chain);
        R2Objects.Listing listing = objects.list(scope);
        List<String> ids = new ArrayList<>();
        Map<String, String> versions = new HashMap<>();
        for (R2Objects.Entry e : listing.objects()) {
            String id = e.key().substring(scope.length()).replace(':', '/');
            ids.add(id);
            if (e.etag() != null) {
                versions.put(id, e.etag());
                if (cache != null) {
                    listed.put(e.key(), e.etag());
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (String p : listing.prefixes()) {
            if (p.startsWith(scope) && p.length() > scope.length() + 1) {
                names.add(p.substring(scope.length(), p.length() - 1));
            }
        }
        ids.sort(null);
        names.sort(null);
        return new Contents(ids, names, versions);
    }

    /** R2 has no containers: a scope exists while objects have its prefix. */
    @Override
    public void deleteScope(List<String> chain) {
        scopePrefix(chain);
    }

    @Override
    public String locate(List<String> chain, String id) {
        return objects.url(key(chain, id));
    }

    @Override
    public boolean prefersBatchReads() {
        return true;
    }

    @Override
    public Optional<LogStore> logStore(String app, String stage) {
        scopePrefix(List.of(app, stage));
        return logs == null ? Optional.empty() : Optional.of(logs.logStore(app, stage));
    }

    @Override
    public boolean hasLog(String app, String stage) {
        return logs != null && logs.hasLog(app, stage);
    }

    @Override
    public Set<String> eventLogStages(String app) {
        return logs == null ? Set.of() : logs.stages(app);
    }

    /**
     * Where the event logs are kept.
     *
     * @return the mode chosen when the store was built
     */
    public LogMode logMode() {
        return mode;
    }

    /** For the command to say once: which log mode is active and, over REST or without a log, what that lacks. */
    @Override
    public Optional<String> logNote() {
        return switch (mode) {
            case S3 -> Optional.of("R2 event log on R2's S3 endpoint (log=s3): history and the stage lock hold as on S3");
            case REST -> Optional.of("R2 event log over the REST API (log=rest): a REST upload takes no precondition,"
                    + " so the stage lock is a create with a read-back and two deploys starting at the same moment"
                    + " can both get it; run one deploy of a stage at a time, or set R2_ACCESS_KEY_ID and"
                    + " R2_SECRET_ACCESS_KEY (an R2 API token's S3 keys) for the log on R2's S3 endpoint (log=s3)");
            case NONE -> Optional.of("R2 without an event log (log=none) keeps snapshots only, as Alchemy does: no"
                    + " history and no stage lock");
        };
    }

    /**
     * Requests this store made so far through the REST API, for measurements and tests; in log mode
     * {@link LogMode#S3} the event log's requests are not among them.
     *
     * @return the counts since the store was built
     */
    public RequestCounts requestCounts() {
        long[] c = objects.counts();
        return new RequestCounts(c[0], c[1], c[2]);
    }

    /**
     * REST requests sent.
     *
     * @param requests all of them, each attempt counted (a discovery of the account included)
     * @param lists    the listing pages among them, each page counted once
     * @param writes   the writes among them, each counted once: uploads and deletes
     */
    public record RequestCounts(long requests, long lists, long writes) {
        /**
         * The requests sent since {@code before}.
         *
         * @param before earlier counts of the same store
         * @return each count less the one in {@code before}
         */
        public RequestCounts minus(RequestCounts before) {
            return new RequestCounts(requests - before.requests, lists - before.lists, writes - before.writes);
        }
    }

    /** Where the state lives and which mode the log is in; never a credential. */
    @Override
    public String toString() {
        return "R2StateStore[" + objects.url(prefix) + ", account " + account() + ", "
                + switch (mode) {
                    case S3 -> "event log on " + logClient;
                    case REST -> "event log over REST";
                    case NONE -> "snapshots only (no event log)";
                }
                + (cache == null ? "" : ", read cache " + cache.dir()) + "]";
    }

    @Override
    public void close() {
        parallel.close();
        try {
            if (logClient != null) {
                logClient.close();
            }
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the R2 store's HTTP client", e);
        }
    }
}
