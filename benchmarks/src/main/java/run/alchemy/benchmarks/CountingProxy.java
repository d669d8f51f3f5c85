package run.alchemy.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A counting HTTP proxy on 127.0.0.1 in front of a state-store worker: forwards every request
 * as it came (method, path, query, body; the headers a client of the DOFS protocol sends) and
 * counts requests per RPC method (the {@code method} field of the JSON body; {@code GET /path}
 * for the rest), with the bytes each way. Both clients, alchemy-java's store and the real
 * Alchemy's {@code DOStateStore}, are pointed at it unchanged, so the counts are what the worker
 * sees. {@code GET /__bench/counts[?reset=1]} answers the counts since the last reset (and resets
 * them); it is not forwarded.
 */
final class CountingProxy implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory();
    /** Request headers passed on; the JDK client sets Host, Content-Length and Connection itself. */
    private static final List<String> FORWARDED = List.of("Authorization", "Content-Type", "Accept",
            "CF-Access-Client-Id", "CF-Access-Client-Secret");

    private final URI target;
    private final HttpServer server;
    private final ExecutorService threads;
    private final HttpClient client;
    private final Map<String, long[]> counts = new TreeMap<>(); // method -> {requests, bytes up, bytes down}
    /** The requests since the last reset, in order, each as method and what it names (the first few). */
    private final List<String> sequence = new ArrayList<>();
    private static final int SEQUENCE_MAX = 100;

    private CountingProxy(URI target) throws IOException {
        // Small answers written as headers then body would otherwise wait for the client's delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.target = target;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "counting-proxy");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy for the worker at {@code target} ({@code http://127.0.0.1:PORT}). */
    static CountingProxy start(String target) throws IOException {
        return new CountingProxy(URI.create(target));
    }

    /** {@code http://127.0.0.1:PORT} of the proxy. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The counts since the last reset, {@code {requests, bytesUp, bytesDown, methods: {m: n}}}; resets them. */
    ObjectNode take() {
        return snapshot(true);
    }

    private synchronized ObjectNode snapshot(boolean reset) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode methods = JSON.createObjectNode();
        long requests = 0;
        long up = 0;
        long down = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            methods.put(e.getKey(), e.getValue()[0]);
            requests += e.getValue()[0];
            up += e.getValue()[1];
            down += e.getValue()[2];
        }
        out.put("requests", requests).put("bytesUp", up).put("bytesDown", down).set("methods", methods);
        ArrayNode seq = out.putArray("sequence");
        sequence.forEach(seq::add);
        if (requests > sequence.size()) {
            seq.add("… (" + (requests - sequence.size()) + " more)");
        }
        if (reset) {
            counts.clear();
            sequence.clear();
        }
        return out;
    }

    private synchronized void count(String method, long up, long down, String what) {
        if (sequence.size() < SEQUENCE_MAX) {
            sequence.add(what);
        }
        long[] c = counts.computeIfAbsent(method, k -> new long[3]);
        c[0]++;
        c[1] += up;
        c[2] += down;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = ex.getRequestURI().getRawPath();
            if (path.equals("/__bench/counts")) {
                String q = ex.getRequestURI().getRawQuery();
                ObjectNode c = snapshot(q != null && q.contains("reset=1"));
                respond(ex, 200, "application/json", JSON.writeValueAsBytes(c));
                return;
            }
            String query = ex.getRequestURI().getRawQuery();
            HttpRequest.Builder req = HttpRequest.newBuilder(target.resolve(path + (query == null ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(60))
                    .method(ex.getRequestMethod(), body.length == 0 && ex.getRequestMethod().equals("GET")
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : FORWARDED) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    req.header(h, v);
                }
            }
            HttpResponse<byte[]> res;
            try {
                try {
                    res = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                    // workerd closes idle keep-alive connections; the JDK client may have picked one
                    // that was closing and got no answer at all: the worker never saw the request
                    if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                        throw e;
                    }
                    res = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (IOException e) {
                System.err.println("  counting proxy: " + ex.getRequestMethod() + " " + path + " "
                        + rpcMethod(ex.getRequestMethod(), path, body) + " failed: " + e);
                String m = rpcMethod(ex.getRequestMethod(), path, body) + " (failed)";
                count(m, body.length, 0, m);
                respond(ex, 502, "text/plain", ("counting proxy: " + e).getBytes(StandardCharsets.UTF_8));
                return;
            }
            String m = rpcMethod(ex.getRequestMethod(), path, body);
            count(m, body.length, res.body().length, describe(m, query, body));
            respond(ex, res.statusCode(), res.headers().firstValue("Content-Type").orElse(null), res.body());
        }
    }

    private static void respond(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * One request for the sequence: the method, the Durable Object (its stage), and what it names:
     * a control object, a key prefix (its last segments), how many keys, writes or records.
     */
    private static String describe(String method, String query, byte[] body) {
        StringBuilder b = new StringBuilder(method);
        String stage = null;
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("stage=")) {
                    stage = java.net.URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        b.append(" [").append(stage == null ? "?" : stage).append("]");
        if (body.length > 0 && body.length < (1 << 20)) {
            try {
                JsonNode params = JSON.readTree(body).path("params");
                for (String field : List.of("name", "prefix", "key")) {
                    if (params.path(field).isTextual()) {
                        b.append(' ').append(field).append('=').append(params.path(field).textValue());
                    }
                }
                for (String field : List.of("keys", "writes", "records")) {
                    if (params.path(field).isArray()) {
                        b.append(' ').append(params.path(field).size()).append(' ').append(field);
                    }
                }
            } catch (IOException e) {
                // not JSON: the method says it all
            }
        }
        return b.toString();
    }

    /** The top-level {@code method} field of a JSON RPC body, or {@code VERB /path}. */
    static String rpcMethod(String verb, String path, byte[] body) {
        if (body.length > 0) {
            try (JsonParser p = FACTORY.createParser(body)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        if (name.equals("method") && v == JsonToken.VALUE_STRING) {
                            return p.getText();
                        }
                        p.skipChildren();
                    }
                }
            } catch (IOException e) {
                // not JSON: counted by path
            }
        }
        return verb + " " + path;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
