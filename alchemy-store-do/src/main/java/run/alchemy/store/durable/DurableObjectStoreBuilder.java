package run.alchemy.store.durable;

import run.alchemy.store.durable.internal.StoreOptions;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** Options, as Alchemy's {@code DOStateStore({prefix, worker: {url, token}})}, plus the client's. */
public final class DurableObjectStoreBuilder {
    private String url;
    private String token;
    private String prefix = "alchemy";
    private String accessClientId;
    private String accessClientSecret;
    private int maxConcurrency = 8;
    private int maxAttempts = 5;
    private int pageSize = 200;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration retryBase = Duration.ofMillis(100);
    private Duration retryCap = Duration.ofSeconds(5);

    /**
     * The worker's URL, {@code https://…} ({@code http://} only on 127.0.0.1, localhost or ::1,
     * where the token does not cross a network). Any path is replaced by {@code /rpc}, as
     * Alchemy's client does.
     */
    public DurableObjectStoreBuilder url(String url) {
        this.url = Objects.requireNonNull(url, "url");
        return this;
    }

    public DurableObjectStoreBuilder url(URI url) {
        return url(url.toString());
    }

    /** The worker's bearer token, at least 32 characters (Alchemy: {@code ALCHEMY_STATE_TOKEN}). */
    public DurableObjectStoreBuilder token(String token) {
        this.token = token;
        return this;
    }

    /** The first key segment (default {@code alchemy}, as Alchemy's {@code prefix} option). */
    public DurableObjectStoreBuilder prefix(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        return this;
    }

    /** A Cloudflare Access service token, sent as {@code CF-Access-Client-Id}/{@code -Secret}. */
    public DurableObjectStoreBuilder accessServiceToken(String clientId, String clientSecret) {
        this.accessClientId = Objects.requireNonNull(clientId, "clientId");
        this.accessClientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        return this;
    }

    /** Requests in flight at most for batch reads and writes (default 8). */
    public DurableObjectStoreBuilder maxConcurrency(int maxConcurrency) {
        this.maxConcurrency = StoreOptions.positive("maxConcurrency", maxConcurrency);
        return this;
    }

    /** Attempts per request, the first included, for 5xx answers, timeouts, dropped connections (default 5). */
    public DurableObjectStoreBuilder maxAttempts(int maxAttempts) {
        this.maxAttempts = StoreOptions.positive("maxAttempts", maxAttempts);
        return this;
    }

    /** Keys per batch read or write request (default 200). */
    public DurableObjectStoreBuilder pageSize(int pageSize) {
        this.pageSize = StoreOptions.positive("pageSize", pageSize);
        return this;
    }

    /** How long one attempt may take, connect to last byte (default 30 s). */
    public DurableObjectStoreBuilder timeout(Duration timeout) {
        this.timeout = StoreOptions.requirePositive("timeout", timeout);
        return this;
    }

    /** Retry n waits a random time up to {@code base · 2^(n-1)}, at most {@code cap} (default 100 ms, 5 s). */
    public DurableObjectStoreBuilder retryDelay(Duration base, Duration cap) {
        this.retryBase = StoreOptions.requirePositive("retry base", base);
        this.retryCap = StoreOptions.requirePositive("retry cap", cap);
        return this;
    }

    DurableObjectStoreBuilder() {
    }

    public DurableObjectStateStore build() {
        return new DurableObjectStateStore(StoreOptions.of(url, token, prefix, accessClientId, accessClientSecret,
                maxConcurrency, maxAttempts, pageSize, timeout, retryBase, retryCap));
    }
}
