package run.alchemy.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import run.alchemy.api.StoreException;
import run.alchemy.api.ConfigurationException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests to Cloudflare's v4 API with what Alchemy's client does and some it lacks: 5xx answers,
 * dropped connections and timeouts are retried with capped exponential backoff and full jitter; 429
 * waits what {@code Retry-After} says (Cloudflare then refuses everything of the token for minutes,
 * so a wait longer than {@link Settings#maxRetryAfter} fails at once instead of stalling the deploy);
 * a 403 is retried once, as Alchemy does, because Cloudflare occasionally answers one that is
 * transient; 401 and a second 403 name the credentials without showing them; error bodies are read
 * as Cloudflare's envelope ({@code {success, errors: [{code, message}], …}}) or, when they are not
 * JSON (a proxy's HTML page), described by type and size.
 */
public final class CloudflareApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How to reach the API and how hard to try.
     *
     * @param store         what the client works for, starting every message ({@code R2 store})
     * @param permissions   what the credentials need, named when they are refused ({@code R2 read and
     *                      write permission})
     * @param baseUrl       the API's base URL, such as {@link CloudflareEnvironment#DEFAULT_BASE_URL}
     * @param credentials   what signs every request
     * @param maxAttempts   attempts per request, the first included; a 403 answered twice and a 401 end
     *                      it sooner
     * @param timeout       time allowed for one attempt (connect, write, read and the whole call each)
     * @param retryBase     the backoff of the first retry; each further one may wait twice as long
     * @param retryCap      the longest backoff between two attempts
     * @param maxRetryAfter the longest {@code Retry-After} a 429 is waited out; a longer one fails at once
     */
    public record Settings(String store, String permissions, HttpUrl baseUrl, Credentials credentials, int maxAttempts,
                           Duration timeout, Duration retryBase, Duration retryCap, Duration maxRetryAfter) {
    }

    /**
     * What a request is, for messages and errors.
     *
     * @param operation what is asked: {@code get object}, {@code upload worker}
     * @param subject   what it is about ({@code "k" in bucket "b"}), or null
     */
    public record Op(String operation, String subject) {
        /**
         * The request as messages name it.
         *
         * @return the operation followed by its subject, or the operation alone when it has none
         */
        public String describe() {
            return subject == null ? operation : operation + " " + subject;
        }
    }

    /**
     * An answer the caller accepted: a 2xx or one of the statuses it named.
     *
     * @param status the HTTP status
     * @param body   the body, as received (empty when there was none)
     * @param codes  for a status of 300 or more, the codes of the envelope's {@code errors} in order;
     *               otherwise empty
     */
    public record Answer(int status, byte[] body, List<Integer> codes) {
        /**
         * Reads the body as Cloudflare's JSON envelope.
         *
         * @return the envelope ({@code {success, errors, result, …}}), or null when the body is no JSON object
         */
        public JsonNode envelope() {
            return parse(body);
        }
    }

    /** How a retry waits: {@link Thread#sleep} but in tests, which record the waits instead. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits before the next attempt.
         *
         * @param duration how long: a backoff or what {@code Retry-After} asked (zero or more)
         * @throws InterruptedException if the thread is interrupted while waiting; the request then
         *                              fails with a {@link StoreException}
         */
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Settings settings;
    private final Sleeper sleeper;
    private final OkHttpClient http;
    private final AtomicLong requests = new AtomicLong();

    /**
     * A client whose retries wait with {@link Thread#sleep}.
     *
     * @param settings where the API is, the credentials and the retry limits
     */
    public CloudflareApi(Settings settings) {
        this(settings, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * A client whose retries wait through {@code sleeper}.
     *
     * @param settings where the API is, the credentials and the retry limits
     * @param sleeper  what waits between attempts (tests record the waits instead)
     * @throws NullPointerException if {@code sleeper} is null
     */
    public CloudflareApi(Settings settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = java.util.Objects.requireNonNull(sleeper, "sleeper");
        this.http = new OkHttpClient.Builder()
                .callTimeout(settings.timeout())
                .readTimeout(settings.timeout())
                .connectTimeout(settings.timeout())
                .writeTimeout(settings.timeout())
                // Retries are ours: a silent retry inside OkHttp would escape the backoff and the counts.
                .retryOnConnectionFailure(false)
                .build();
    }

    /**
     * The API's base URL, from the settings.
     *
     * @return the base URL, such as {@code https://api.cloudflare.com/client/v4}
     */
    public HttpUrl baseUrl() {
        return settings.baseUrl();
    }

    /**
     * The base URL with these path segments added, each encoded as one segment (a {@code /} in a
     * segment becomes {@code %2F}).
     *
     * @param segments the path segments, in order: {@code "accounts", account, "r2", "buckets"}
     * @return a builder of the URL, to add query parameters to
     */
    public HttpUrl.Builder url(String... segments) {
        HttpUrl.Builder url = settings.baseUrl().newBuilder();
        for (String segment : segments) {
            url.addPathSegment(segment);
        }
        return url;
    }

    /**
     * The credentials, as messages name them.
     *
     * @return their kind and origin ({@code the API token from CLOUDFLARE_API_TOKEN}), never their value
     */
    public String credentials() {
        return settings.credentials().describe();
    }

    /**
     * How many requests this client has sent.
     *
     * @return the requests sent since it was made, each attempt counted
     */
    public long requests() {
        return requests.get();
    }

    /**
     * Sends the request until it succeeds (2xx), gets a status in {@code accepted} (such as 404 for a
     * missing object), or fails for good; then throws a typed {@link CloudflareApiException}. Other
     * 4xx answers fail at once; 5xx answers, dropped connections and timeouts are retried up to
     * {@link Settings#maxAttempts}.
     *
     * @param op       what is asked, for messages
     * @param request  the request, signed here with the credentials
     * @param accepted statuses besides 2xx that are answers rather than failures (empty: none)
     * @return the answer, 2xx or accepted
     * @throws CloudflareApiException.Unauthorized on a 401, or on a 403 twice
     * @throws CloudflareApiException.RateLimited  on a 429 asking to wait longer than {@link Settings#maxRetryAfter},
     *                                             or on the last attempt
     * @throws CloudflareApiException              on any other 4xx, or when the last attempt got a 5xx or no answer
     * @throws StoreException                      if the thread is interrupted while sending or waiting to retry
     */
    public Answer send(Op op, Request.Builder request, Set<Integer> accepted) {
        settings.credentials().sign(request);
        Request built = request.build();
        boolean forbiddenOnce = false;
        for (int attempt = 1; ; attempt++) {
            long waitMillis;
            CloudflareApiException failure;
            try (Response response = call(built)) {
                int code = response.code();
                byte[] body = response.body().bytes();
                if (response.isSuccessful() || accepted.contains(code)) {
                    return new Answer(code, body, code >= 300 ? codes(body) : List.of());
                }
                // the server's words, which may echo the request and so the credentials it was signed with
                String why = code + " " + settings.credentials().redact(explain(body, response.header("Content-Type", "")));
                if (code == 401 || (code == 403 && forbiddenOnce)) {
                    throw new CloudflareApiException.Unauthorized(settings.store() + ": " + op.describe() + " was refused ("
                            + why + "): check " + credentials() + "; it needs " + settings.permissions()
                            + " on this account", op.describe(), code, codes(body));
                }
                if (code == 403) {
                    forbiddenOnce = true;
                    waitMillis = backoff(attempt);
                    failure = null;
                } else if (code == 429) {
                    long after = retryAfterMillis(response.header("Retry-After"), attempt);
                    if (after > settings.maxRetryAfter().toMillis() || attempt >= settings.maxAttempts()) {
                        throw new CloudflareApiException.RateLimited(settings.store() + ": " + op.describe() + ": Cloudflare is rate limiting"
                                + " the credentials (429, " + why + ") and asks to wait " + (after + 999) / 1000 + " s"
                                + (attempt > 1 ? ", after " + attempt + " attempts" : "") + ". The REST API allows about"
                                + " 1,200 requests per 5 minutes per token; try again later", op.describe(), codes(body));
                    }
                    waitMillis = after;
                    failure = null;
                } else {
                    failure = new CloudflareApiException(settings.store() + ": " + op.describe() + " failed"
                            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + why, op.describe(), code,
                            codes(body), null);
                    if (code < 500) {
                        throw failure;
                    }
                    waitMillis = backoff(attempt);
                }
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new StoreException(settings.store() + ": interrupted during " + op.describe(), e);
                }
                failure = new CloudflareApiException(settings.store() + ": " + op.describe() + ": no answer within "
                        + settings.timeout().toMillis() + " ms" + (attempt > 1 ? " (" + attempt + " attempts)" : ""),
                        op.describe(), 0, List.of(), e);
                waitMillis = backoff(attempt);
            } catch (IOException e) {
                failure = new CloudflareApiException(settings.store() + ": " + op.describe() + ": connection to "
                        + baseUrl().host() + " failed" + (attempt > 1 ? " (" + attempt + " attempts)" : "") + ": " + e,
                        op.describe(), 0, List.of(), e);
                waitMillis = backoff(attempt);
            }
            if (attempt >= settings.maxAttempts() && failure != null) {
                throw failure;
            }
            pause(waitMillis, op);
        }
    }

    private Response call(Request request) throws IOException {
        requests.incrementAndGet();
        return http.newCall(request).execute();
    }

    /** Cloudflare's error messages from an envelope, or a description of a body that is not one. */
    private static String explain(byte[] body, String type) {
        JsonNode reply = parse(body);
        if (reply == null || !reply.has("errors")) {
            return "(a non-JSON answer" + (type.isEmpty() ? "" : " of type " + type) + ", " + body.length + " bytes)";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode e : reply.path("errors")) {
            parts.add((e.has("code") ? "[" + e.path("code").asInt() + "] " : "") + e.path("message").asText(""));
        }
        return parts.isEmpty() ? "(no error message)" : String.join("; ", parts);
    }

    /** The codes of the envelope's {@code errors}; empty when the body is no envelope. */
    private static List<Integer> codes(byte[] body) {
        JsonNode reply = parse(body);
        List<Integer> codes = new ArrayList<>();
        if (reply != null) {
            for (JsonNode e : reply.path("errors")) {
                if (e.path("code").canConvertToInt()) {
                    codes.add(e.path("code").asInt());
                }
            }
        }
        return codes;
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date; without one, the backoff of this attempt. */
    private long retryAfterMillis(String header, int attempt) {
        if (header != null) {
            try {
                return Math.max(0, Long.parseLong(header.trim()) * 1000);
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
                } catch (DateTimeParseException neither) {
                    // an unreadable header: fall back to our own backoff
                }
            }
        }
        return backoff(attempt);
    }

    /** A random time up to base · 2^(attempt-1), capped ("full jitter": retrying clients spread out). */
    private long backoff(int attempt) {
        long base = settings.retryBase().toMillis();
        long ceiling = Math.min(settings.retryCap().toMillis(), base << Math.min(attempt - 1, 20));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private void pause(long millis, Op op) {
        try {
            sleeper.sleep(Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(settings.store() + ": interrupted while retrying " + op.describe(), e);
        }
    }

    /**
     * The one account the credentials see ({@code GET /accounts}), for when none is configured, as
     * Alchemy picks one; several (or none) are refused, naming them, rather than guessed between.
     *
     * @param howToName completes the message "name the account with …" ({@code CLOUDFLARE_ACCOUNT_ID or …})
     * @return the account's id
     * @throws ConfigurationException if the credentials see no account or more than one (at most 50 are listed)
     * @throws CloudflareApiException if the listing fails, as {@link #send} does
     */
    public String discoverAccount(String howToName) {
        HttpUrl url = url("accounts").addQueryParameter("per_page", "50").build();
        JsonNode reply = send(new Op("list accounts", null), new Request.Builder().url(url).get(), Set.of()).envelope();
        List<String> found = new ArrayList<>();
        for (JsonNode account : reply == null ? JSON.createArrayNode() : reply.path("result")) {
            found.add(account.path("id").asText() + (account.has("name") ? " (" + account.path("name").asText() + ")" : ""));
        }
        if (found.size() == 1) {
            return reply.path("result").get(0).path("id").asText();
        }
        throw new ConfigurationException(settings.store() + ": " + credentials() + " can see " + (found.isEmpty()
                ? "no account" : found.size() + " accounts: " + String.join(", ", found)) + "; name the account with "
                + howToName);
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "CloudflareApi[" + baseUrl() + ", " + credentials() + "]";
    }
}
