package run.alchemy.store.durable.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import run.alchemy.api.StoreException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One worker's RPC endpoint: {@code POST <url>/rpc?app=&stage=} with {@code {"method", "params"}},
 * answered by {@code {"success", "status", "result" | "error"}}, as Alchemy's DOFS worker and ours
 * speak it. Adds what Alchemy's client lacks: a login page or redirect of Cloudflare Access in
 * front of the worker is named as such instead of being retried as "unexpected content"; a 401
 * says the token is wrong; 5xx answers, dropped connections and timeouts are retried with capped
 * exponential backoff and full jitter; other 4xx are not. The token is only ever a header value:
 * no message, log line or {@code toString} contains it, not even when an answer echoes it back.
 */
public final class RpcClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    /** Writes a request's {@code params} object. */
    @FunctionalInterface
    public interface Params {
        void write(JsonGenerator g) throws IOException;
    }

    /** Options for the connection; see {@code DurableObjectStateStore.Builder}. */
    public record Settings(HttpUrl url, String token, String accessClientId, String accessClientSecret,
                           int maxAttempts, Duration timeout, Duration retryBase, Duration retryCap) {
        @Override
        public String toString() {
            // the token and the Access secret never leave this record
            return "RpcClient.Settings[url=" + url + ", maxAttempts=" + maxAttempts + ", timeout=" + timeout + "]";
        }
    }

    private final Settings settings;
    private final HttpUrl rpcUrl;
    private final OkHttpClient http;

    public RpcClient(Settings settings) {
        this.settings = settings;
        // Alchemy's client replaces whatever path the URL has with /rpc; so do we.
        this.rpcUrl = settings.url().newBuilder().encodedPath("/rpc").query(null).build();
        this.http = new OkHttpClient.Builder()
                .callTimeout(settings.timeout())
                .readTimeout(settings.timeout())
                .connectTimeout(settings.timeout())
                .writeTimeout(settings.timeout())
                // A redirect here is Cloudflare Access (or a misrouted URL), never the worker:
                // following it would send the token to a login page and parse HTML.
                .followRedirects(false)
                .followSslRedirects(false)
                // Retries are ours: a silent retry inside OkHttp would escape the backoff and count.
                .retryOnConnectionFailure(false)
                .build();
    }

    /** Where requests go, without credentials: for messages and {@code locate}. */
    public String where() {
        return rpcUrl.toString();
    }

    /** A failed call: the worker's status and message, and whether another attempt may help. */
    static final class CallFailure extends Exception {
        final int status;
        final boolean retryable;

        CallFailure(String message, int status, boolean retryable, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.retryable = retryable;
        }
    }

    /** The worker refused the call with this status (4xx, or 5xx after the last attempt). */
    public static final class RpcException extends StoreException {
        private final int status;
        private final String workerMessage;

        RpcException(String message, int status, String workerMessage, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.workerMessage = workerMessage;
        }

        /** The HTTP status, or 0 when no answer came. */
        public int status() {
            return status;
        }

        /** The worker's own {@code error} text, or null. */
        public String workerMessage() {
            return workerMessage;
        }
    }

    /**
     * Calls {@code method} for the stage and returns its {@code result} (a missing one as
     * {@link com.fasterxml.jackson.databind.node.MissingNode}).
     */
    public JsonNode call(String app, String stage, String method, Params params) {
        byte[] body = envelope(method, params);
        HttpUrl url = rpcUrl.newBuilder().addQueryParameter("app", app).addQueryParameter("stage", stage).build();
        for (int attempt = 1; ; attempt++) {
            try {
                return once(url, method, body);
            } catch (CallFailure f) {
                if (!f.retryable || attempt >= settings.maxAttempts()) {
                    String tries = attempt > 1 ? " (after " + attempt + " attempts)" : "";
                    String why = redact(f.getMessage());
                    throw new RpcException("Durable Object store " + where() + ": \"" + method + "\" for " + app + "/"
                            + stage + " failed" + tries + ": " + why, f.status, f.getCause() == null ? why : null, f.getCause());
                }
                pause(attempt);
            }
        }
    }

    private static byte[] envelope(String method, Params params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("method", method);
            g.writeFieldName("params");
            if (params == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                params.write(g);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private JsonNode once(HttpUrl url, String method, byte[] body) throws CallFailure {
        Request.Builder request = new Request.Builder().url(url)
                .header("Authorization", "Bearer " + settings.token())
                .header("Accept", "application/json")
                .post(RequestBody.create(body, JSON_TYPE));
        if (settings.accessClientId() != null) {
            request.header("CF-Access-Client-Id", settings.accessClientId())
                    .header("CF-Access-Client-Secret", settings.accessClientSecret());
        }
        try (Response response = http.newCall(request.build()).execute()) {
            int code = response.code();
            if (response.isRedirect()) {
                HttpUrl to = response.header("Location") == null ? null : url.resolve(response.header("Location"));
                throw new CallFailure("the worker URL answered " + code + ", a redirect to "
                        + (to == null ? "nowhere" : to.scheme() + "://" + to.host() + to.encodedPath())
                        + ": most likely Cloudflare Access protects the worker. Give the store an Access service token"
                        + " (CF-Access-Client-Id/-Secret) or exempt the worker's /rpc path from Access", code, false, null);
            }
            String type = response.header("Content-Type", "");
            byte[] bytes = response.body().bytes();
            if (!type.toLowerCase(Locale.ROOT).contains("application/json")) {
                if (type.toLowerCase(Locale.ROOT).contains("text/html") || startsWithMarkup(bytes)) {
                    throw new CallFailure("the worker URL answered " + code + " with an HTML page instead of JSON: most"
                            + " likely the login page of Cloudflare Access in front of the worker. Give the store an"
                            + " Access service token (CF-Access-Client-Id/-Secret) or exempt the worker's /rpc path", code,
                            false, null);
                }
                if (code == 401) {
                    throw new CallFailure(unauthorized(), code, false, null);
                }
                throw new CallFailure("unexpected answer " + code + " of type \"" + type + "\" (not JSON)", code,
                        code >= 500, null);
            }
            JsonNode reply;
            try {
                reply = JSON.readTree(bytes);
            } catch (IOException e) {
                throw new CallFailure("the answer " + code + " is not valid JSON: " + e.getMessage(), code, code >= 500, null);
            }
            if (reply != null && reply.path("success").asBoolean(false) && code == 200) {
                return reply.path("result");
            }
            if (code == 401) {
                throw new CallFailure(unauthorized(), code, false, null);
            }
            String error = reply == null ? "" : reply.path("error").asText("");
            // Alchemy's worker reports its file system's refusals (ENOTEMPTY, ENOENT, …) as 500s:
            // the same call gets the same answer, so they are not retried.
            boolean transient_ = code >= 500 && !error.matches("E[A-Z]+");
            throw new CallFailure(code + " " + (error.isEmpty() ? "(no message)" : error), code, transient_, null);
        } catch (InterruptedIOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new StoreException("interrupted during \"" + method + "\" to " + where(), e);
            }
            throw new CallFailure("no answer within " + settings.timeout().toMillis() + " ms", 0, true, e);
        } catch (IOException e) {
            throw new CallFailure("connection failed: " + e, 0, true, e);
        }
    }

    /**
     * A failure's text with the token and the Access secret taken out: it quotes the worker's error,
     * and what answers may echo the request, its headers among them (a proxy's error page, a gateway).
     */
    private String redact(String text) {
        String out = text;
        for (String secret : new String[] {settings.token(), settings.accessClientSecret()}) {
            if (secret != null && !secret.isEmpty() && out != null) {
                out = out.replace(secret, "…");
            }
        }
        return out;
    }

    private static String unauthorized() {
        return "401 Unauthorized: the worker refused the token. Check the token the store was given (by default the"
                + " environment variable ALCHEMY_STATE_TOKEN): it must be the exact token the worker was deployed with";
    }

    private static boolean startsWithMarkup(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '<';
            }
        }
        return false;
    }

    /** Sleeps before retry {@code attempt + 1}: a random time up to base · 2^(attempt-1), capped. */
    private void pause(int attempt) {
        long base = settings.retryBase().toMillis();
        long ceiling = Math.min(settings.retryCap().toMillis(), base << Math.min(attempt - 1, 20));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a request to " + where(), e);
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "RpcClient[" + where() + "]";
    }
}
