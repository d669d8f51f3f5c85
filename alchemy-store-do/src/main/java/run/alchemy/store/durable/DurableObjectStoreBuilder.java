package run.alchemy.store.durable;

import okhttp3.HttpUrl;
import run.alchemy.api.ConfigurationException;
import run.alchemy.store.durable.internal.Provisioning;
import run.alchemy.store.durable.internal.RpcClient;
import run.alchemy.store.durable.internal.StoreOptions;
import run.alchemy.store.durable.internal.WorkerScript;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Options, as Alchemy's {@code DOStateStore({prefix, worker: {url, token, name, force}})}, plus the
 * client's. Either the {@link #url} of a deployed worker, or a worker to {@link #provision} through
 * the Cloudflare API: our worker is uploaded (when absent or of another version) and the store opens
 * on its workers.dev URL, with the Cloudflare credentials and account of the options or the
 * environment, as the R2 store takes them ({@code CLOUDFLARE_API_TOKEN}, or
 * {@code CLOUDFLARE_API_KEY} with {@code CLOUDFLARE_EMAIL}; {@code CLOUDFLARE_ACCOUNT_ID}, else the
 * only account the credentials see; {@code CLOUDFLARE_BASE_URL}).
 */
public final class DurableObjectStoreBuilder {
    /** Alchemy's default worker name. */
    public static final String DEFAULT_WORKER_NAME = "alchemy-state";
    private static final String TOKEN_ENV = "ALCHEMY_STATE_TOKEN";

    private String url;
    private String workerName;
    private boolean force;
    private String account;
    private String apiToken;
    private String apiKey;
    private String email;
    private String baseUrl;
    private Map<String, String> environment = System.getenv();
    private UnaryOperator<HttpUrl> workersDev = UnaryOperator.identity();
    private Provisioning.Sleeper sleeper = d -> Thread.sleep(d.toMillis());
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

    /**
     * The worker's bearer token, at least 32 characters (Alchemy: {@code ALCHEMY_STATE_TOKEN}, from
     * which a provisioned store takes it when it is not given here).
     */
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

    /**
     * Provisions our worker under this name (Alchemy's default {@value #DEFAULT_WORKER_NAME}) instead
     * of opening a {@link #url}: it is uploaded when absent or tagged with another version, its token
     * (a {@code secret_text} binding) being this store's; then it is enabled on workers.dev and the
     * store opens there once it answers. A worker of that name that is not ours is never replaced.
     */
    public DurableObjectStoreBuilder provision(String workerName) {
        this.workerName = Objects.requireNonNull(workerName, "workerName");
        return this;
    }

    /** Whether a provisioned worker is uploaded even when its version is current (default false); with the token as given. */
    public DurableObjectStoreBuilder force(boolean force) {
        this.force = force;
        return this;
    }

    /** The Cloudflare account a worker is provisioned in (default {@code CLOUDFLARE_ACCOUNT_ID}, else the only one seen). */
    public DurableObjectStoreBuilder account(String account) {
        this.account = account;
        return this;
    }

    /** A Cloudflare API token for provisioning (default {@code CLOUDFLARE_API_TOKEN}); it needs Workers Scripts edit. */
    public DurableObjectStoreBuilder cloudflareApiToken(String apiToken) {
        this.apiToken = apiToken;
        return this;
    }

    /** A Cloudflare global API key and its account's e-mail for provisioning (default {@code CLOUDFLARE_API_KEY}, {@code CLOUDFLARE_EMAIL}). */
    public DurableObjectStoreBuilder cloudflareApiKey(String apiKey, String email) {
        this.apiKey = apiKey;
        this.email = email;
        return this;
    }

    /** The Cloudflare API's base URL (default {@code CLOUDFLARE_BASE_URL}, else Cloudflare's); http only on loopback. */
    public DurableObjectStoreBuilder cloudflareBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
        return this;
    }

    /** Where provisioning looks up what is not given (default {@link System#getenv()}). */
    public DurableObjectStoreBuilder environment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /** Tests only: where a workers.dev URL is reached (a local worker standing in for Cloudflare's). */
    DurableObjectStoreBuilder workersDevUrl(UnaryOperator<HttpUrl> workersDev) {
        this.workersDev = Objects.requireNonNull(workersDev, "workersDev");
        return this;
    }

    /** Tests only: how readiness polling waits. */
    DurableObjectStoreBuilder sleeper(Provisioning.Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return this;
    }

    DurableObjectStoreBuilder() {
    }

    /** Opens the store; a provisioned one first deploys its worker and waits until it answers. */
    public DurableObjectStateStore build() {
        if (workerName == null) {
            return new DurableObjectStateStore(options(url, token, maxAttempts));
        }
        if (url != null) {
            throw new ConfigurationException("the Durable Object store was given both a worker URL and a worker to"
                    + " provision (\"" + workerName + "\"): give one of them");
        }
        String t = token != null ? token : environment.get(TOKEN_ENV);
        StoreOptions.checkToken(t, token != null ? "the token" : "the environment variable " + TOKEN_ENV);
        String at = Provisioning.provision(new Provisioning.Options(workerName, account, apiToken, apiKey, email, baseUrl,
                        force, environment, maxAttempts, timeout, retryBase, retryCap), t, WorkerScript.bundled(),
                workersDev, sleeper, u -> validate(u, t));
        return new DurableObjectStateStore(options(at, t, maxAttempts));
    }

    private StoreOptions options(String at, String t, int attempts) {
        return StoreOptions.of(at, t, prefix, accessClientId, accessClientSecret, maxConcurrency, attempts, pageSize,
                timeout, retryBase, retryCap);
    }

    /** One readiness probe: a single {@code validate}, no retries (the polling is the retry). */
    private void validate(String at, String t) {
        try (RpcClient rpc = new RpcClient(options(at, t, 1).settings())) {
            rpc.call(DurableObjectStateStore.DEFAULT_PREFIX, "validate", "validate", null);
        }
    }

    @Override
    public String toString() {
        // the token, the Access secret and the Cloudflare credentials stay in here
        return "DurableObjectStoreBuilder[url=" + url + ", provision=" + workerName + ", prefix=" + prefix + "]";
    }
}
