package run.alchemy.store.durable;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cloudflare.JsonText;
import run.alchemy.cloudflare.Parallel;
import run.alchemy.store.durable.internal.DoLogStore;
import run.alchemy.store.durable.internal.RpcClient;
import run.alchemy.store.durable.internal.RpcClient.RpcException;
import run.alchemy.store.durable.internal.StoreOptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * State in a Cloudflare Durable Object, through the RPC protocol of Alchemy's DOFS worker
 * ({@code DOStateStore}), under exactly Alchemy's keys: {@code <prefix>/<app>/<stage>/…/<id with /
 * as :>}, one Durable Object per app and stage. Works against Alchemy's own worker and against
 * ours ({@code worker/state-store.js}), which answers the same methods plus batched ones and the
 * storage layer's log primitives ({@link #logStore}).
 *
 * <pre>{@code
 * StateStore store = DurableObjectStateStore.builder()
 *     .url("https://alchemy-state.example.workers.dev")
 *     .token(System.getenv("ALCHEMY_STATE_TOKEN"))
 *     .build();
 * }</pre>
 *
 * <p><b>Bytes.</b> Both workers keep a record as {@code JSON.stringify(record)}, compact, as
 * Alchemy does; the engine writes and hashes the two-space form. The store sends the compact form
 * and gives back the two-space form, so a record the engine wrote reads back byte for byte and one
 * the TypeScript Alchemy wrote reads as the engine would have written it: whitespace alone never
 * looks like a change. Any other spelling put here (compact, odd spacing) reads back in the
 * two-space form.
 *
 * <p><b>Requests.</b> A scope is listed in one request and read with batched reads (pages of
 * {@link DurableObjectStoreBuilder#pageSize} keys; our worker also stops a page at 8 MiB and is asked for the rest),
 * concurrently up to {@link DurableObjectStoreBuilder#maxConcurrency}; a batch of writes is one request per page on
 * our worker, one request per record (concurrently) on Alchemy's, which has no batch write.
 */
public final class DurableObjectStateStore implements StateStore {
    /** Alchemy's key prefix. */
    public static final String DEFAULT_PREFIX = "alchemy";
    /** A batch write request stops growing past this many bytes of records. */
    private static final int WRITE_BATCH_BYTES = 4 * 1024 * 1024;

    private final RpcClient rpc;
    private final String prefix;
    private final int pageSize;
    private final Parallel parallel;
    /** Which worker answers, learnt from the first {@code validate}; null until then. */
    private volatile Boolean ours;

    DurableObjectStateStore(StoreOptions options) {
        this.rpc = new RpcClient(options.settings());
        this.prefix = options.prefix();
        this.pageSize = options.pageSize();
        this.parallel = new Parallel(options.maxConcurrency(), "do-store", "Durable Object store");
    }

    /**
     * Starts the options of a store.
     *
     * @return a builder with Alchemy's defaults (prefix {@value #DEFAULT_PREFIX}), to give a worker URL or a
     *         worker to provision
     */
    public static DurableObjectStoreBuilder builder() {
        return new DurableObjectStoreBuilder();
    }

    /**
     * Whether the worker is alchemy-java's (batched methods, a log) rather than Alchemy's DOFS worker.
     * The first call that needs to know asks the worker ({@code validate}); the answer is kept.
     *
     * @return true for our worker, false for Alchemy's
     * @throws run.alchemy.api.StoreException if the worker cannot be asked: refused, unreachable, no answer
     */
    public boolean isOurWorker() {
        Boolean known = ours;
        if (known == null) {
            synchronized (this) {
                if (ours == null) {
                    // Alchemy's worker answers validate with no result; ours names itself.
                    JsonNode r = rpc.call(DEFAULT_PREFIX, "validate", "validate", null);
                    ours = "alchemy-java".equals(r.path("worker").asText(null));
                }
                known = ours;
            }
        }
        return known;
    }

    // --- the log: our worker's log RPC; Alchemy's worker has none -------------------------

    /**
     * The stage's log on our worker; empty on Alchemy's worker. Until the store knows which worker
     * answers, opening a log sends its first {@code logView} (whose answer the engine's first read
     * of the log then takes) instead of a {@code validate}: Alchemy's worker answers "Method not
     * found" (then a {@code validate} tells it from an older alchemy-java worker, which is refused
     * with advice rather than used without a log). Otherwise opening sends nothing.
     */
    @Override
    public Optional<LogStore> logStore(String app, String stage) {
        DoLogStore log = new DoLogStore(rpc, prefix, app, stage, pageSize);
        if (ours == null) {
            synchronized (this) {
                if (ours == null) {
                    try {
                        log.open();
                        ours = true;
                    } catch (RpcException e) {
                        if (e.status() != 404 || !"404 Method not found".equals(e.workerMessage())) {
                            throw e;
                        }
                        JsonNode worker = rpc.call(DEFAULT_PREFIX, "validate", "validate", null);
                        if ("alchemy-java".equals(worker.path("worker").asText(null))) {
                            throw new StoreException("the worker at " + rpc.where() + " is an older alchemy-java worker"
                                    + " (protocol " + worker.path("protocol").asText("?") + ", without logView): deploy"
                                    + " this version's worker/state-store.js (do://NAME provisions it; an existing one is"
                                    + " redeployed with force=true) so that history and locking keep working");
                        }
                        ours = false;
                    }
                }
            }
        }
        return ours ? Optional.of(log) : Optional.empty();
    }

    /** One request to the stage's Durable Object; it reads, creates nothing. */
    @Override
    public boolean hasLog(String app, String stage) {
        return isOurWorker() && new DoLogStore(rpc, prefix, app, stage, pageSize).exists();
    }

    /**
     * One request: the worker keeps, per app, the stages a log or control write ever reached (a
     * Durable Object cannot be listed) and answers those whose log exists.
     */
    @Override
    public Set<String> eventLogStages(String app) {
        return isOurWorker() ? DoLogStore.stages(rpc, prefix, app) : Set.of();
    }

    @Override
    public Optional<String> logNote() {
        return isOurWorker() ? Optional.empty() : Optional.of("the worker at " + rpc.where() + " is Alchemy's DOFS"
                + " worker, which has no log methods: history and locking are off there (snapshots only); deploy"
                + " alchemy-java's worker (alchemy-store-do/worker) for both");
    }

    // --- keys --------------------------------------------------------------------------------

    private String scopeKey(List<String> chain) {
        if (chain.isEmpty()) {
            throw new InvalidIdException("", "a Durable Object store", "the scope chain is empty");
        }
        StringBuilder b = new StringBuilder(prefix);
        // As Alchemy's client joins the chain: a "/" in a scope name (a resource id "api/key" names
        // its nested scope) nests one level deeper, as on S3.
        for (String part : chain) {
            if (part.isEmpty()) {
                throw new InvalidIdException(part, "scope chain " + chain, "a scope name must be non-empty");
            }
            b.append('/').append(part);
        }
        return b.append('/').toString();
    }

    private String key(List<String> chain, String id) {
        if (id.isEmpty()) {
            throw new InvalidIdException(id, "scope " + chain, "an id must be non-empty");
        }
        return scopeKey(chain) + id.replace('/', ':');
    }

    private static String app(List<String> chain) {
        return chain.get(0);
    }

    // Alchemy's client sends scope.stage, which is undefined for the app scope itself: its
    // URLSearchParams then carry the text "undefined". The same Durable Object is used here.
    private static String stage(List<String> chain) {
        return chain.size() > 1 ? chain.get(1) : "undefined";
    }

    private JsonNode call(List<String> chain, String method, RpcClient.Params params) {
        return rpc.call(app(chain), stage(chain), method, params);
    }

    // --- reads -------------------------------------------------------------------------------

    @Override
    public Optional<byte[]> get(List<String> chain, String id) {
        String key = key(chain, id);
        JsonNode r = call(chain, "get", g -> g.writeStringField("key", key));
        return r.isTextual() && !r.textValue().isEmpty() ? Optional.of(JsonText.pretty(r.textValue())) : Optional.empty();
    }

    @Override
    public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        Map<String, String> keyToId = new LinkedHashMap<>();
        for (String id : ids) {
            keyToId.put(key(chain, id), id);
        }
        List<String> keys = new ArrayList<>(keyToId.keySet());
        boolean batched = isOurWorker();
        List<Callable<Map<String, String>>> pages = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += pageSize) {
            List<String> page = keys.subList(from, Math.min(keys.size(), from + pageSize));
            pages.add(() -> batched ? getMany(chain, page) : texts(call(chain, "getBatch", g -> strings(g, "keys", page))));
        }
        Map<String, String> found = new LinkedHashMap<>();
        for (Map<String, String> page : parallel.all(pages)) {
            found.putAll(page);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        keyToId.forEach((key, id) -> {
            String text = found.get(key);
            if (text != null && !text.isEmpty()) {
                out.put(id, JsonText.pretty(text));
            }
        });
        return out;
    }

    /** Our worker's getBatch, which answers at most 8 MiB at a time and names the keys it left. */
    private Map<String, String> getMany(List<String> chain, List<String> keys) {
        Map<String, String> found = new LinkedHashMap<>();
        List<String> rest = keys;
        while (!rest.isEmpty()) {
            List<String> asked = rest;
            JsonNode r = call(chain, "getMany", g -> strings(g, "keys", asked));
            found.putAll(texts(r.path("values")));
            List<String> left = new ArrayList<>();
            r.path("rest").forEach(k -> left.add(k.asText()));
            if (left.size() >= asked.size()) {
                throw new StoreException("Durable Object store " + rpc.where() + ": getMany made no progress on "
                        + asked.size() + " keys of scope " + chain);
            }
            rest = left;
        }
        return found;
    }

    private static Map<String, String> texts(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().textValue());
            }
        }
        return out;
    }

    private static void strings(com.fasterxml.jackson.core.JsonGenerator g, String field, List<String> values)
            throws java.io.IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** One {@code contents} request on our worker (see the class comment for Alchemy's); no version tokens. */
    @Override
    public Contents contents(List<String> chain) {
        String scope = scopeKey(chain);
        if (isOurWorker()) {
            JsonNode r = call(chain, "contents", g -> g.writeStringField("prefix", scope));
            return new Contents(ids(r.path("ids")), names(r.path("scopes")));
        }
        List<String> ids = ids(call(chain, "list", g -> g.writeStringField("prefix", scope)));
        // Alchemy's worker lists only the records of a directory, never its subdirectories. In
        // Alchemy's layout a child scope is the nested scope of the resource of the same name, so
        // each record is asked whether its scope holds records (concurrently): a scope with no
        // record of its name stays invisible on that worker.
        List<Callable<String>> probes = new ArrayList<>();
        for (String id : ids) {
            if (id.indexOf('/') < 0) {
                String child = scope + id + "/";
                probes.add(() -> call(chain, "count", g -> g.writeStringField("prefix", child)).asInt(0) > 0 ? id : null);
            }
        }
        List<String> scopes = new ArrayList<>();
        for (String s : parallel.all(probes)) {
            if (s != null) {
                scopes.add(s);
            }
        }
        return new Contents(ids, scopes);
    }

    /** On our worker, one {@code scope} request (a page per 8 MiB of records); empty on Alchemy's. */
    @Override
    public Optional<ScopeRead> readScope(List<String> chain) {
        if (!isOurWorker()) {
            return Optional.empty();
        }
        String scope = scopeKey(chain);
        Map<String, byte[]> records = new LinkedHashMap<>();
        List<String> scopes = List.of();
        String after = null;
        while (true) {
            String from = after;
            JsonNode r = call(chain, "scope", g -> {
                g.writeStringField("prefix", scope);
                if (from != null) {
                    g.writeStringField("after", from);
                }
            });
            if (from == null) {
                scopes = names(r.path("scopes"));
            }
            for (JsonNode e : r.path("records")) {
                after = e.path("name").asText();
                String text = e.path("text").asText();
                if (!text.isEmpty()) {
                    records.put(after.replace(':', '/'), JsonText.pretty(text));
                }
            }
            if (!r.path("more").asBoolean()) {
                break;
            }
            if (after == null || after.equals(from)) {
                throw new StoreException("Durable Object store " + rpc.where() + ": a page of scope " + chain
                        + " made no progress");
            }
        }
        return Optional.of(new ScopeRead(new Contents(new TreeSet<>(records.keySet()).stream().toList(), scopes), records));
    }

    private static List<String> ids(JsonNode bareKeys) {
        TreeSet<String> out = new TreeSet<>();
        bareKeys.forEach(k -> out.add(k.asText().replace(':', '/')));
        return List.copyOf(out);
    }

    private static List<String> names(JsonNode array) {
        TreeSet<String> out = new TreeSet<>();
        array.forEach(k -> out.add(k.asText()));
        return List.copyOf(out);
    }

    // --- writes ------------------------------------------------------------------------------

    private String compact(List<String> chain, String id, byte[] json) {
        String why = JsonText.invalidBecause(json);
        if (why != null) {
            throw new StoreException("record " + id + " of scope " + chain + " is not JSON (" + why
                    + "): the Durable Object store keeps records as JSON values");
        }
        return JsonText.compact(json);
    }

    @Override
    public void put(List<String> chain, String id, byte[] json) {
        String key = key(chain, id);
        String value = compact(chain, id, json);
        call(chain, "set", g -> {
            g.writeStringField("key", key);
            g.writeFieldName("value");
            g.writeRawValue(value);
        });
    }

    @Override
    public void delete(List<String> chain, String id) {
        String key = key(chain, id);
        try {
            call(chain, "delete", g -> g.writeStringField("key", key));
        } catch (RpcException e) {
            // Alchemy's worker unlinks the record, then removes the directory of the same name (the
            // record's nested scope) and fails with ENOTEMPTY when that still holds records: the
            // record is gone all the same, and the child scope must stay.
            if (!"500 ENOTEMPTY".equals(e.workerMessage())) {
                throw e;
            }
        }
    }

    @Override
    public void writeAll(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        if (!isOurWorker()) {
            List<Callable<Void>> each = new ArrayList<>();
            for (Write w : writes) {
                each.add(() -> {
                    if (w.json() == null) {
                        delete(w.chain(), w.id());
                    } else {
                        put(w.chain(), w.id(), w.json());
                    }
                    return null;
                });
            }
            parallel.all(each);
            return;
        }
        // One Durable Object per app and stage: a request carries the writes of one stage.
        Map<List<String>, List<Write>> byStage = new LinkedHashMap<>();
        for (Write w : writes) {
            byStage.computeIfAbsent(List.of(app(w.chain()), stage(w.chain())), k -> new ArrayList<>()).add(w);
        }
        List<Callable<Void>> requests = new ArrayList<>();
        for (List<Write> stageWrites : byStage.values()) {
            List<String[]> page = new ArrayList<>();
            int bytes = 0;
            for (Write w : stageWrites) {
                String value = w.json() == null ? null : compact(w.chain(), w.id(), w.json());
                int size = value == null ? 0 : value.length();
                if (!page.isEmpty() && (page.size() >= pageSize || bytes + size > WRITE_BATCH_BYTES)) {
                    requests.add(writeBatch(stageWrites.get(0).chain(), page));
                    page = new ArrayList<>();
                    bytes = 0;
                }
                page.add(new String[] {key(w.chain(), w.id()), value});
                bytes += size;
            }
            requests.add(writeBatch(stageWrites.get(0).chain(), page));
        }
        parallel.all(requests);
    }

    private Callable<Void> writeBatch(List<String> chain, List<String[]> page) {
        return () -> {
            call(chain, "writeBatch", g -> {
                g.writeArrayFieldStart("writes");
                for (String[] kv : page) {
                    g.writeStartObject();
                    g.writeStringField("key", kv[0]);
                    if (kv[1] != null) {
                        g.writeFieldName("value");
                        g.writeRawValue(kv[1]);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
            return null;
        };
    }

    /**
     * Nothing to remove on either worker. Ours keeps no container: a scope exists while it holds
     * records. Alchemy's keeps a directory, but its only way to remove one is {@code delete} of
     * the key of the same name, which would also delete the parent scope's record of that name;
     * an empty directory there is invisible to listings.
     */
    @Override
    public void deleteScope(List<String> chain) {
        scopeKey(chain);
    }

    @Override
    public String locate(List<String> chain, String id) {
        return rpc.where() + "?app=" + app(chain) + "&stage=" + stage(chain) + " key " + key(chain, id);
    }

    @Override
    public boolean prefersBatchReads() {
        return true;
    }

    @Override
    public void close() {
        parallel.close();
        rpc.close();
    }

    @Override
    public String toString() {
        return "DurableObjectStateStore[" + rpc.where() + ", prefix=" + prefix + "]";
    }
}
