package run.alchemy.store.durable;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of Cloudflare's v4 REST API for Workers scripts, on 127.0.0.1: no emulator exists for
 * Cloudflare's REST API (Miniflare runs workers, not the API that deploys them); this fake is
 * written from the documented API. The envelope {@code {success, errors: [{code, message}],
 * messages, result}}; {@code GET /accounts}; {@code GET /accounts/{a}/workers/scripts/{n}/settings}
 * (404, code 10007, for a script that does not exist; secret bindings listed without their text, as
 * the API does); {@code PUT /accounts/{a}/workers/scripts/{n}} as {@code multipart/form-data},
 * parsed for real: a {@code metadata} part whose {@code main_module} names a module part, Durable
 * Object bindings whose classes were created by a {@code new_sqlite_classes} migration of this
 * or an earlier upload, and a migration refused for a class that exists; {@code POST
 * …/scripts/{n}/subdomain} with {@code {"enabled", "previews_enabled"}}; {@code GET
 * /accounts/{a}/workers/subdomain}. Error codes the documentation does not give (the refusals of a
 * bad upload) are this fake's own. Unknown credentials get 401, code 10000. Every request is
 * recorded; answers can be scripted ({@link #refuseNext}).
 */
public final class FakeWorkersApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROUTE = Pattern.compile(
            "/client/v4/accounts(?:/([^/]+)/workers/(?:subdomain|scripts/([^/]+)(/settings|/subdomain)?))?");

    /** One recorded request: method, decoded path, its body (the upload's parts are in {@link #uploads}). */
    public record Seen(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** One part of a multipart upload. */
    public record Part(String name, String filename, String contentType, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An accepted upload: its parts by name and the metadata part parsed. */
    public record Upload(String account, String script, Map<String, Part> parts, JsonNode metadata) {
    }

    /** A deployed script: its latest metadata, and the Durable Object classes its migrations created. */
    private record Script(JsonNode metadata, Set<String> classes, boolean onWorkersDev) {
    }

    private record Refusal(Predicate<Seen> when, int status, int code, String message) {
    }

    public final String token = "cf-token-" + Long.toHexString(System.nanoTime());
    private final Map<String, String> accounts = new LinkedHashMap<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Upload> uploads = new CopyOnWriteArrayList<>();
    private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private volatile String subdomain = "fake-sub";

    private FakeWorkersApi(Map<String, String> accounts) throws IOException {
        this.accounts.putAll(accounts);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fake-workers-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** A fake with one account, {@code acct-1}. */
    public static FakeWorkersApi start() throws IOException {
        return new FakeWorkersApi(Map.of("acct-1", "Test account"));
    }

    /** A fake whose credentials see these accounts (id → name). */
    public static FakeWorkersApi withAccounts(Map<String, String> accounts) throws IOException {
        return new FakeWorkersApi(accounts);
    }

    /** {@code http://127.0.0.1:PORT/client/v4}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
    }

    /** The accounts' workers.dev subdomain ({@code fake-sub}); null: none registered yet. */
    public FakeWorkersApi subdomain(String subdomain) {
        this.subdomain = subdomain;
        return this;
    }

    /** A script already there, with these tags and Durable Object classes (as an earlier deploy left it). */
    public void preinstall(String account, String name, List<String> tags, Set<String> classes) {
        ObjectNode metadata = JSON.createObjectNode();
        tags.forEach(metadata.putArray("tags")::add);
        scripts.put(account + "/" + name, new Script(metadata, Set.copyOf(classes), false));
    }

    /** Answers the next request matching {@code when} with this error instead of serving it. */
    public void refuseNext(Predicate<Seen> when, int status, int code, String message) {
        refusals.add(new Refusal(when, status, code, message));
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    public void clearRequests() {
        seen.clear();
    }

    public List<Upload> uploads() {
        return List.copyOf(uploads);
    }

    public boolean onWorkersDev(String account, String name) {
        Script s = scripts.get(account + "/" + name);
        return s != null && s.onWorkersDev();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = URLDecoder.decode(x.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            byte[] body = x.getRequestBody().readAllBytes();
            Seen s = new Seen(x.getRequestMethod(), path, new String(body, StandardCharsets.ISO_8859_1));
            seen.add(s);
            for (Refusal r : refusals) {
                if (r.when().test(s) && refusals.remove(r)) {
                    error(x, r.status(), r.code(), r.message());
                    return;
                }
            }
            if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                error(x, 401, 10000, "Authentication error");
                return;
            }
            route(x, s, path, body);
        } catch (RuntimeException e) {
            error(x, 500, 10013, "fake: " + e);
        }
    }

    private void route(HttpExchange x, Seen s, String path, byte[] body) throws IOException {
        Matcher m = ROUTE.matcher(path);
        if (!m.matches() || (m.group(1) != null && !accounts.containsKey(m.group(1)))) {
            error(x, 404, 7003, "Could not route to " + path + ", perhaps your object identifier is invalid?");
            return;
        }
        String account = m.group(1);
        String name = m.group(2);
        String tail = m.group(3);
        String key = account + "/" + name;
        if (account == null && s.method().equals("GET")) {
            ArrayNode result = JSON.createArrayNode();
            accounts.forEach((id, n) -> result.addObject().put("id", id).put("name", n));
            ok(x, result);
        } else if (name == null && s.method().equals("GET")) {
            if (subdomain == null) {
                error(x, 404, 10007, "This account has no workers.dev subdomain.");
            } else {
                ok(x, JSON.createObjectNode().put("subdomain", subdomain));
            }
        } else if ("/settings".equals(tail) && s.method().equals("GET")) {
            Script script = scripts.get(key);
            if (script == null) {
                error(x, 404, 10007, "This Worker does not exist on your account.");
            } else {
                ok(x, settings(script.metadata()));
            }
        } else if (tail == null && s.method().equals("PUT")) {
            upload(x, account, name, key, x.getRequestHeaders().getFirst("Content-Type"), body);
        } else if ("/subdomain".equals(tail) && s.method().equals("POST")) {
            Script script = scripts.get(key);
            JsonNode request = JSON.readTree(body);
            if (script == null) {
                error(x, 404, 10007, "This Worker does not exist on your account.");
            } else if (!request.path("enabled").isBoolean()) {
                error(x, 400, 10001, "enabled: expected a boolean");
            } else {
                scripts.put(key, new Script(script.metadata(), script.classes(), request.path("enabled").asBoolean()));
                ok(x, JSON.createObjectNode().put("enabled", request.path("enabled").asBoolean())
                        .put("previews_enabled", request.path("previews_enabled").asBoolean(false)));
            }
        } else {
            error(x, 405, 10000, "method not allowed");
        }
    }

    private void upload(HttpExchange x, String account, String name, String key, String type, byte[] body)
            throws IOException {
        Matcher b = Pattern.compile("multipart/form-data;\\s*boundary=\"?([^\";]+)\"?").matcher(type == null ? "" : type);
        if (!b.find()) {
            error(x, 415, 10040, "expected multipart/form-data, got " + type);
            return;
        }
        Map<String, Part> parts = parts(body, b.group(1));
        Part meta = parts.get("metadata");
        if (meta == null) {
            error(x, 400, 10021, "the upload has no metadata part");
            return;
        }
        JsonNode metadata = JSON.readTree(meta.body());
        Part main = parts.get(metadata.path("main_module").asText(""));
        if (main == null || !"application/javascript+module".equals(main.contentType())) {
            error(x, 400, 10021, "main_module must name a part of type application/javascript+module");
            return;
        }
        Script before = scripts.get(key);
        Set<String> classes = new TreeSet<>(before == null ? Set.of() : before.classes());
        for (JsonNode c : metadata.path("migrations").path("new_sqlite_classes")) {
            if (!classes.add(c.asText())) {
                error(x, 400, 10074, "Cannot apply new-sqlite-class migration to class '" + c.asText()
                        + "' that already exists");
                return;
            }
        }
        for (JsonNode binding : metadata.path("bindings")) {
            if (binding.path("type").asText().equals("durable_object_namespace")
                    && !classes.contains(binding.path("class_name").asText())) {
                error(x, 400, 10061, "Cannot create binding for class '" + binding.path("class_name").asText()
                        + "' that is not created by a migration");
                return;
            }
        }
        scripts.put(key, new Script(metadata, classes, before != null && before.onWorkersDev()));
        uploads.add(new Upload(account, name, parts, metadata));
        ok(x, JSON.createObjectNode().put("id", name).put("etag", Integer.toHexString(main.text().hashCode()))
                .set("tags", metadata.path("tags")));
    }

    /** The script's settings as the API answers them: secrets listed by name and type only. */
    private static ObjectNode settings(JsonNode metadata) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode bindings = result.putArray("bindings");
        for (JsonNode binding : metadata.path("bindings")) {
            ObjectNode b = binding.deepCopy();
            b.remove("text");
            bindings.add(b);
        }
        result.put("compatibility_date", metadata.path("compatibility_date").asText(""));
        result.set("compatibility_flags", metadata.path("compatibility_flags").isArray()
                ? metadata.path("compatibility_flags") : JSON.createArrayNode());
        result.set("tags", metadata.path("tags").isArray() ? metadata.path("tags") : JSON.createArrayNode());
        result.put("usage_model", "standard");
        return result;
    }

    /** RFC 7578 form data: parts split on the boundary, each with its headers; byte-exact bodies. */
    static Map<String, Part> parts(byte[] body, String boundary) {
        String all = new String(body, StandardCharsets.ISO_8859_1); // one char per byte: bodies survive
        String delimiter = "--" + boundary;
        Map<String, Part> parts = new LinkedHashMap<>();
        int at = all.indexOf(delimiter);
        while (at >= 0 && !all.startsWith(delimiter + "--", at)) {
            int start = at + delimiter.length() + 2; // past the CRLF after the delimiter
            int next = all.indexOf("\r\n" + delimiter, start);
            if (next < 0) {
                throw new IllegalArgumentException("multipart body without a closing delimiter");
            }
            String part = all.substring(start, next);
            int split = part.indexOf("\r\n\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : part.substring(0, split).split("\r\n")) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).trim());
            }
            String disposition = headers.getOrDefault("content-disposition", "");
            parts.put(parameter(disposition, "name"), new Part(parameter(disposition, "name"),
                    parameter(disposition, "filename"), headers.get("content-type"),
                    part.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1)));
            at = next + 2;
        }
        return parts;
    }

    private static String parameter(String header, String name) {
        Matcher m = Pattern.compile("(?:^|;)\\s*" + name + "=\"([^\"]*)\"").matcher(header);
        return m.find() ? m.group(1) : null;
    }

    private static void ok(HttpExchange x, JsonNode result) throws IOException {
        ObjectNode env = JSON.createObjectNode().put("success", true);
        env.putArray("errors");
        env.putArray("messages");
        env.set("result", result);
        send(x, 200, JSON.writeValueAsBytes(env));
    }

    private static void error(HttpExchange x, int status, int code, String message) throws IOException {
        ObjectNode env = JSON.createObjectNode().put("success", false);
        env.putArray("errors").addObject().put("code", code).put("message", message);
        env.putArray("messages");
        env.putNull("result");
        send(x, status, JSON.writeValueAsBytes(env));
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    /** The methods and paths of the requests seen, in order, for comparing whole sequences. */
    public List<String> trace() {
        List<String> out = new ArrayList<>();
        seen.forEach(s -> out.add(s.toString()));
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
