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
     * Alchemy's client does. An unusable URL is refused by {@link #build}.
     *
     * @param url such as {@code https://alchemy-state.example.workers.dev}
     * @return this builder
     * @throws NullPointerException if {@code url} is null
     */
    public DurableObjectStoreBuilder url(String url) {
        this.url = Objects.requireNonNull(url, "url");
        return this;
    }

    /**
     * The worker's URL, as {@link #url(String)} takes it.
     *
     * @param url such as {@code URI.create("https://alchemy-state.example.workers.dev")}
     * @return this builder
     * @throws NullPointerException if {@code url} is null
     */
    public DurableObjectStoreBuilder url(URI url) {
        return url(url.toString());
    }

    /**
     * The worker's bearer token, at least 32 characters (Alchemy: {@code ALCHEMY_STATE_TOKEN}, from
     * which a provisioned store takes it when it is not given here).
     *
     * @param token the token; null only for a provisioned store, which then reads {@code ALCHEMY_STATE_TOKEN};
     *              a missing or shorter one is refused by {@link #build}
     * @return this builder
     */
    public DurableObjectStoreBuilder token(String token) {
        this.token = token;
        return this;
    }

    /**
     * The first key segment (Alchemy's {@code prefix} option).
     *
     * @param prefix the segment (default {@value DurableObjectStateStore#DEFAULT_PREFIX}); an empty one, or one
     *               with a {@code :}, is refused by {@link #build}
     * @return this builder
     * @throws NullPointerException if {@code prefix} is null
     */
    public DurableObjectStoreBuilder prefix(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        return this;
    }

    /**
     * A Cloudflare Access service token, for a worker behind Access, sent with every request as
     * {@code CF-Access-Client-Id}/{@code -Secret}.
     *
     * @param clientId     the service token's client id
     * @param clientSecret the service token's client secret
     * @return this builder
     * @throws NullPointerException if either is null
     */
    public DurableObjectStoreBuilder accessServiceToken(String clientId, String clientSecret) {
        this.accessClientId = Objects.requireNonNull(clientId, "clientId");
        this.accessClientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        return this;
    }

    /**
     * Requests in flight at most for batch reads and writes.
     *
     * @param maxConcurrency 1 or more (default 8)
     * @return this builder
     * @throws ConfigurationException if it is less than 1
     */
    public DurableObjectStoreBuilder maxConcurrency(int maxConcurrency) {
        this.maxConcurrency = StoreOptions.positive("maxConcurrency", maxConcurrency);
        return this;
    }

    /**
     * Attempts per request, the first included, for 5xx answers, timeouts and dropped connections;
     * also of provisioning's Cloudflare API requests.
     *
     * @param maxAttempts 1 or more (default 5)
     * @return this builder
     * @throws ConfigurationException if it is less than 1
     */
    public DurableObjectStoreBuilder maxAttempts(int maxAttempts) {
        this.maxAttempts = StoreOptions.positive("maxAttempts", maxAttempts);
        return this;
    }

    /**
     * Keys per batch read or write request, and records per page of a log read.
     *
     * @param pageSize 1 or more (default 200)
     * @return this builder
     * @throws ConfigurationException if it is less than 1
     */
    public DurableObjectStoreBuilder pageSize(int pageSize) {
        this.pageSize = StoreOptions.positive("pageSize", pageSize);
        return this;
    }

    /**
     * How long one attempt may take, connect to last byte.
     *
     * @param timeout a positive duration (default 30 s)
     * @return this builder
     * @throws ConfigurationException if it is null, zero or negative
     */
    public DurableObjectStoreBuilder timeout(Duration timeout) {
        this.timeout = StoreOptions.requirePositive("timeout", timeout);
        return this;
    }

    /**
     * How long retries wait: retry n waits a random time up to {@code base · 2^(n-1)}, at most {@code cap}.
     *
     * @param base the first retry's ceiling, positive (default 100 ms)
     * @param cap  the highest ceiling, positive (default 5 s)
     * @return this builder
     * @throws ConfigurationException if either is null, zero or negative
     */
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
     *
     * @param workerName the worker's name, such as {@value #DEFAULT_WORKER_NAME}
     * @return this builder
     * @throws NullPointerException if {@code workerName} is null
     */
    public DurableObjectStoreBuilder provision(String workerName) {
        this.workerName = Objects.requireNonNull(workerName, "workerName");
        return this;
    }

    /**
     * Whether a provisioned worker is uploaded even when its version is current, with this store's token
     * (to change the token of a deployed worker).
     *
     * @param force true to upload in any case; false (the default) to upload only when absent or of another version
     * @return this builder
     */
    public DurableObjectStoreBuilder force(boolean force) {
        this.force = force;
        return this;
    }

    /**
     * The Cloudflare account a worker is provisioned in.
     *
     * @param account the account's id; null (the default) for {@code CLOUDFLARE_ACCOUNT_ID} or {@code CF_ACCOUNT_ID},
     *                else the only account the credentials see
     * @return this builder
     */
    public DurableObjectStoreBuilder account(String account) {
        this.account = account;
        return this;
    }

    /**
     * A Cloudflare API token for provisioning; it needs Workers Scripts edit (and Account Settings read
     * to find the account). An API key given with {@link #cloudflareApiKey} wins over it.
     *
     * @param apiToken the token; null (the default) for {@code CLOUDFLARE_API_TOKEN}
     * @return this builder
     */
    public DurableObjectStoreBuilder cloudflareApiToken(String apiToken) {
        this.apiToken = apiToken;
        return this;
    }

    /**
     * A Cloudflare global API key and its account's e-mail for provisioning.
     *
     * @param apiKey the global API key; null (the default) for {@code CLOUDFLARE_API_KEY}
     * @param email  the e-mail of the key's account; null for {@code CLOUDFLARE_EMAIL}
     * @return this builder
     */
    public DurableObjectStoreBuilder cloudflareApiKey(String apiKey, String email) {
        this.apiKey = apiKey;
        this.email = email;
        return this;
    }

    /**
     * The Cloudflare API's base URL for provisioning; http only on loopback.
     *
     * @param baseUrl the URL; null (the default) for {@code CLOUDFLARE_BASE_URL}, else
     *                {@value run.alchemy.cloudflare.CloudflareEnvironment#DEFAULT_BASE_URL}
     * @return this builder
     */
    public DurableObjectStoreBuilder cloudflareBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
        return this;
    }

    /**
     * Where provisioning looks up what is not given: the Cloudflare options and {@code ALCHEMY_STATE_TOKEN}.
     *
     * @param environment the variables (default {@link System#getenv()}); copied
     * @return this builder
     * @throws NullPointerException if it, or a name or value in it, is null
     */
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

    /**
     * Opens the store; a provisioned one first deploys its worker and waits until it answers (up to 20
     * probes over about two and a half minutes). A store on a {@link #url} sends nothing yet.
     *
     * @return the store, to close when done
     * @throws ConfigurationException if no URL and no worker to provision is given, or both; the URL, the
     *                                token or the prefix is refused; or provisioning cannot proceed (the
     *                                Cloudflare credentials or account, a worker of that name that is not
     *                                ours, a deployed worker that keeps another token)
     * @throws run.alchemy.cloudflare.CloudflareApiException if a Cloudflare API request fails
     * @throws run.alchemy.api.StoreException if a provisioned worker does not answer in time
     */
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
