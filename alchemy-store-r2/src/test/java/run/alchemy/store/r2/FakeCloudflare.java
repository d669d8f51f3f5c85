package run.alchemy.store.r2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of Cloudflare's v4 REST API for R2, on 127.0.0.1: there is no emulator of it (Miniflare
 * emulates the Workers binding, not the REST API), so this is written from the documented API and
 * what Alchemy's and wrangler's clients rely on. The envelope {@code {success, errors: [{code,
 * message}], messages, result, result_info}}; objects as raw bodies with an {@code ETag} (the hex MD5
 * of the body, as R2 gives for single uploads); listing sorted by key with {@code prefix},
 * {@code delimiter} (prefixes in {@code result_info.delimited}), {@code per_page} (1–1000, capped by
 * this fake's page size so that tests exercise paging), {@code cursor}, {@code start_after}, each
 * object with its {@code etag}, and {@code result_info.is_truncated} sent as the string
 * {@code "true"} while more follow (the API has sent both spellings); 404 code 10006 for a missing
 * bucket and 10007 for a missing object; 409 code 10004 when a created bucket exists; authentication
 * failures as 403 code 10000. Faults are scripted per request ({@link #fail}); every request is recorded.
 */
public final class FakeCloudflare implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROUTE = Pattern.compile(
            "/client/v4/accounts(?:/([^/]+)/r2/buckets(?:/([^/]+)(/objects(?:/(.*))?)?)?)?");

    /** One recorded request: method, decoded path, raw query, and the auth headers it carried. */
    public record Seen(String method, String path, String query, String authorization, String authKey, String authEmail) {
        public boolean isList() {
            return method.equals("GET") && path.endsWith("/objects");
        }
    }

    /** A scripted answer to the next request matching {@code when}. */
    private record Fault(Predicate<Seen> when, int status, Map<String, String> headers, String body) {
    }

    private record Hook(Predicate<Seen> when, Runnable then) {
    }

    private record StoredObject(byte[] body, String etag, String contentType) {
    }

    public final String token = "fake-token-" + Long.toHexString(System.nanoTime());
    public final String apiKey = "fake-key-" + Long.toHexString(System.nanoTime());
    public final String email = "owner@example.com";
    private final Map<String, String> accounts = new LinkedHashMap<>();
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new ConcurrentHashMap<>();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final Queue<Hook> hooks = new ConcurrentLinkedQueue<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile int pageSize = 1000;
    private volatile int defaultPerPage = 20;

    static {
        // the JDK server's default leaves Nagle on: each small answer would wait for a delayed ACK (~40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private FakeCloudflare(Map<String, String> accounts) throws IOException {
        this.accounts.putAll(accounts);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-cloudflare");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** A fake with one account, {@code acct-1} (what the credentials see). */
    public static FakeCloudflare start() throws IOException {
        return new FakeCloudflare(Map.of("acct-1", "Test account"));
    }

    /** A fake whose credentials see these accounts (id → name). */
    public static FakeCloudflare withAccounts(Map<String, String> accounts) throws IOException {
        return new FakeCloudflare(accounts);
    }

    /** {@code http://127.0.0.1:PORT/client/v4}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
    }

    /** The most objects a listing page returns, whatever {@code per_page} asks. */
    public FakeCloudflare pageSize(int pageSize) {
        this.pageSize = pageSize;
        return this;
    }

    /**
     * The page size when a listing sends no {@code per_page} (as Alchemy's client, which sends
     * {@code limit}): 20 by default, the default of Cloudflare's other v4 list endpoints; the
     * object listing's own default is not documented, which is why our client always sends it.
     */
    public FakeCloudflare defaultPerPage(int defaultPerPage) {
        this.defaultPerPage = defaultPerPage;
        return this;
    }

    public void createBucket(String name) {
        buckets.putIfAbsent(name, new ConcurrentSkipListMap<>());
    }

    public boolean hasBucket(String name) {
        return buckets.containsKey(name);
    }

    /** Answers the next request matching {@code when} with this status, headers and body instead of serving it. */
    public void fail(Predicate<Seen> when, int status, Map<String, String> headers, String body) {
        faults.add(new Fault(when, status, headers, body));
    }

    /** Every object of the bucket as UTF-8 text, by key. */
    public Map<String, String> objects(String bucket) {
        Map<String, String> out = new java.util.TreeMap<>();
        buckets.getOrDefault(bucket, new ConcurrentSkipListMap<>())
                .forEach((k, o) -> out.put(k, new String(o.body(), StandardCharsets.UTF_8)));
        return out;
    }

    public void putObject(String bucket, String key, String body) {
        createBucket(bucket);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        buckets.get(bucket).put(key, new StoredObject(bytes, md5(bytes), "application/octet-stream"));
    }

    /**
     * Runs {@code then} once, right after the next object upload matching {@code when} has been
     * stored and before its answer is sent: a write of another client landing between two of this one's
     * requests, deterministically.
     */
    public void afterServing(Predicate<Seen> when, Runnable then) {
        hooks.add(new Hook(when, then));
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    public void clearRequests() {
        seen.clear();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = URLDecoder.decode(x.getRequestURI().getRawPath().replace("+", "%2B"), StandardCharsets.UTF_8);
            String rawQuery = x.getRequestURI().getRawQuery();
            Seen s = new Seen(x.getRequestMethod(), path, rawQuery, x.getRequestHeaders().getFirst("Authorization"),
                    x.getRequestHeaders().getFirst("X-Auth-Key"), x.getRequestHeaders().getFirst("X-Auth-Email"));
            seen.add(s);
            byte[] body = x.getRequestBody().readAllBytes();
            for (Fault f : faults) {
                if (f.when().test(s) && faults.remove(f)) {
                    f.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
                    send(x, f.status(), f.body().getBytes(StandardCharsets.UTF_8), null);
                    return;
                }
            }
            if (!authorized(s)) {
                error(x, 403, 10000, "Authentication error");
                return;
            }
            route(x, s, path, query(rawQuery), body);
        } catch (RuntimeException e) {
            error(x, 500, 10001, "fake: " + e);
        }
    }

    private void runHooks(Seen s) {
        for (Hook h : hooks) {
            if (h.when().test(s) && hooks.remove(h)) {
                h.then().run();
            }
        }
    }

    private boolean authorized(Seen s) {
        return ("Bearer " + token).equals(s.authorization()) || (apiKey.equals(s.authKey()) && email.equals(s.authEmail()));
    }

    private void route(HttpExchange x, Seen s, String path, Map<String, String> query, byte[] body) throws IOException {
        Matcher m = ROUTE.matcher(path);
        if (!m.matches() || (m.group(1) != null && !accounts.containsKey(m.group(1)))) {
            error(x, 404, 7003, "Could not route to " + path + ", perhaps your object identifier is invalid?");
            return;
        }
        String method = s.method();
        if (m.group(1) == null) {
            ArrayNode result = JSON.createArrayNode();
            accounts.forEach((id, name) -> result.addObject().put("id", id).put("name", name));
            ok(x, result, null);
        } else if (m.group(2) == null && method.equals("POST")) {
            String name = JSON.readTree(body).path("name").asText();
            if (buckets.putIfAbsent(name, new ConcurrentSkipListMap<>()) != null) {
                error(x, 409, 10004, "The bucket you tried to create already exists, and you own it.");
            } else {
                ok(x, JSON.createObjectNode().put("name", name).put("location", "ENAM"), null);
            }
        } else if (m.group(2) == null || !buckets.containsKey(m.group(2))) {
            error(x, 404, 10006, "The specified bucket does not exist.");
        } else if (m.group(3) == null && method.equals("GET")) {
            ok(x, JSON.createObjectNode().put("name", m.group(2)).put("location", "ENAM"), null);
        } else if (m.group(4) == null && method.equals("GET")) {
            list(x, buckets.get(m.group(2)), query);
        } else if (m.group(4) != null) {
            object(x, s, buckets.get(m.group(2)), m.group(4), body, x.getRequestHeaders().getFirst("Content-Type"));
        } else {
            error(x, 405, 10000, "method not allowed");
        }
    }

    private void object(HttpExchange x, Seen s, NavigableMap<String, StoredObject> bucket, String key, byte[] body,
                        String type) throws IOException {
        switch (s.method()) {
            case "GET" -> {
                StoredObject o = bucket.get(key);
                if (o == null) {
                    error(x, 404, 10007, "The specified key does not exist.");
                } else {
                    x.getResponseHeaders().add("ETag", "\"" + o.etag() + "\"");
                    send(x, 200, o.body(), o.contentType());
                }
            }
            case "PUT" -> {
                StoredObject o = new StoredObject(body, md5(body), type == null ? "application/octet-stream" : type);
                bucket.put(key, o);
                runHooks(s);
                ok(x, describe(key, o), null);
            }
            case "DELETE" -> {
                bucket.remove(key);
                ok(x, JSON.createObjectNode(), null);
            }
            default -> error(x, 405, 10000, "method not allowed");
        }
    }

    private void list(HttpExchange x, NavigableMap<String, StoredObject> bucket, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        String delimiter = query.get("delimiter");
        int perPage = Math.min(pageSize, query.containsKey("per_page") ? Integer.parseInt(query.get("per_page")) : defaultPerPage);
        String after = query.containsKey("cursor")
                ? new String(Base64.getUrlDecoder().decode(query.get("cursor")), StandardCharsets.UTF_8)
                : query.getOrDefault("start_after", "");
        ArrayNode objects = JSON.createArrayNode();
        List<String> delimited = new ArrayList<>();
        String last = null;
        boolean lastIsPrefix = false;
        boolean more = false;
        var from = after.compareTo(prefix) < 0 ? bucket.tailMap(prefix, true) : bucket.tailMap(after, false);
        for (Map.Entry<String, StoredObject> e : from.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix)) {
                break;
            }
            int cut = delimiter == null || delimiter.isEmpty() ? -1 : key.indexOf(delimiter, prefix.length());
            String entry = cut < 0 ? key : key.substring(0, cut + delimiter.length());
            if (entry.equals(last)) {
                continue; // a further key under a prefix already listed (they sort together)
            }
            if (objects.size() + delimited.size() == perPage) {
                more = true;
                break;
            }
            if (cut < 0) {
                objects.add(describe(key, e.getValue()));
            } else {
                delimited.add(entry);
            }
            last = entry;
            lastIsPrefix = cut >= 0;
        }
        ObjectNode info = JSON.createObjectNode();
        // the cursor resumes after the last entry: for a prefix, after every key under it
        info.put("cursor", more ? Base64.getUrlEncoder().encodeToString(
                (lastIsPrefix ? last + Character.MAX_VALUE : last).getBytes(StandardCharsets.UTF_8)) : "");
        if (more) {
            info.put("is_truncated", "true");
        } else {
            info.put("is_truncated", false);
        }
        info.put("per_page", perPage);
        ArrayNode d = info.putArray("delimited");
        delimited.forEach(d::add);
        ok(x, objects, info);
    }

    private static ObjectNode describe(String key, StoredObject o) {
        ObjectNode n = JSON.createObjectNode().put("key", key).put("etag", o.etag()).put("size", o.body().length)
                .put("last_modified", "2026-01-01T00:00:00.000Z").put("storage_class", "Standard");
        n.putObject("http_metadata").put("contentType", o.contentType());
        n.putObject("custom_metadata");
        return n;
    }

    private static void ok(HttpExchange x, JsonNode result, JsonNode info) throws IOException {
        ObjectNode env = JSON.createObjectNode().put("success", true);
        env.putArray("errors");
        env.putArray("messages");
        env.set("result", result);
        if (info != null) {
            env.set("result_info", info);
        }
        send(x, 200, JSON.writeValueAsBytes(env), "application/json");
    }

    private static void error(HttpExchange x, int status, int code, String message) throws IOException {
        ObjectNode env = JSON.createObjectNode().put("success", false);
        env.putArray("errors").addObject().put("code", code).put("message", message);
        env.putArray("messages");
        env.putNull("result");
        send(x, status, JSON.writeValueAsBytes(env), "application/json");
    }

    private static void send(HttpExchange x, int status, byte[] body, String type) throws IOException {
        if (type != null) {
            x.getResponseHeaders().set("Content-Type", type);
        }
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
