package run.alchemy.store.r2;

import run.alchemy.api.ConfigurationException;
import run.alchemy.cloudflare.CloudflareApi;
import run.alchemy.cloudflare.CloudflareEnvironment;
import run.alchemy.store.r2.internal.R2Objects;
import run.alchemy.store.r2.internal.ReadCache;
import run.alchemy.store.s3.S3StateStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Options, as Alchemy's {@code R2RestStateStore(scope, {apiKey, email, apiToken, accountId, baseUrl,
 * bucketName, prefix})}, plus the client's. Each option not given is taken from the environment as
 * Alchemy takes it: {@code CLOUDFLARE_API_KEY} with {@code CLOUDFLARE_EMAIL} (tried first, as in
 * Alchemy), else {@code CLOUDFLARE_API_TOKEN}; {@code CLOUDFLARE_ACCOUNT_ID} or {@code CF_ACCOUNT_ID},
 * else the only account the credentials see; {@code CLOUDFLARE_BASE_URL}. The event log is kept on
 * R2's S3 endpoint when S3 keys are given here or as {@code R2_ACCESS_KEY_ID} and
 * {@code R2_SECRET_ACCESS_KEY}, else over REST ({@link #logMode} chooses otherwise).
 */
public final class R2StoreBuilder {
    private static final String PERMISSIONS = "R2 read and write permission";

    private String bucket = R2StateStore.DEFAULT_BUCKET;
    private String prefix;
    private String account;
    private String apiToken;
    private String apiKey;
    private String email;
    private String baseUrl;
    private boolean createBucket = true;
    private R2StateStore.LogMode logMode;
    private CloudflareApi.Sleeper sleeper = d -> Thread.sleep(d.toMillis());
    private URI s3Endpoint;
    private String s3AccessKeyId;
    private String s3SecretAccessKey;
    private String s3Region = "auto";
    private Map<String, String> environment = System.getenv();
    private Path readCache;
    private boolean readCacheSet;
    private int maxConcurrency = 8;
    private int maxAttempts = 5;
    private int pageSize = 1000;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration retryBase = Duration.ofMillis(500);
    private Duration retryCap = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(60);

    R2StoreBuilder() {
    }

    /**
     * The bucket (Alchemy's {@code bucketName}).
     *
     * @param bucket the bucket's name (default {@value R2StateStore#DEFAULT_BUCKET}); an empty one is refused
     *               by {@link #build}
     * @return this builder
     * @throws NullPointerException if {@code bucket} is null
     */
    public R2StoreBuilder bucket(String bucket) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        return this;
    }

    /**
     * The key prefix, put verbatim before {@code <app>/<stage>/…}: no separator is added, as in Alchemy.
     *
     * @param prefix such as {@code teams/web/}; null or empty for {@value R2StateStore#DEFAULT_PREFIX}
     * @return this builder
     */
    public R2StoreBuilder prefix(String prefix) {
        this.prefix = prefix;
        return this;
    }

    /**
     * The Cloudflare account the bucket belongs to (Alchemy's {@code accountId}).
     *
     * @param account the account's id; null (the default) for {@code CLOUDFLARE_ACCOUNT_ID} or
     *                {@code CF_ACCOUNT_ID}, else the only account the credentials see
     * @return this builder
     */
    public R2StoreBuilder account(String account) {
        this.account = account;
        return this;
    }

    /**
     * An API token, sent as {@code Authorization: Bearer}; an API key given with {@link #apiKey} wins over it.
     *
     * @param apiToken a token with R2 read and write permission; null (the default) for the environment
     * @return this builder
     */
    public R2StoreBuilder apiToken(String apiToken) {
        this.apiToken = apiToken;
        return this;
    }

    /**
     * A global API key and its account's e-mail, sent as {@code X-Auth-Key}/{@code X-Auth-Email}.
     *
     * @param apiKey the global API key; null (the default) for the environment
     * @param email  the e-mail of the key's account; null for {@code CLOUDFLARE_EMAIL}
     * @return this builder
     */
    public R2StoreBuilder apiKey(String apiKey, String email) {
        this.apiKey = apiKey;
        this.email = email;
        return this;
    }

    /**
     * The API's base URL; {@code http://} only on a loopback address.
     *
     * @param baseUrl such as {@code http://127.0.0.1:8787/client/v4}; null (the default) for
     *                {@code CLOUDFLARE_BASE_URL}, else {@value CloudflareEnvironment#DEFAULT_BASE_URL}
     * @return this builder
     */
    public R2StoreBuilder baseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
        return this;
    }

    /**
     * Whether a missing bucket is created by the first write; either way a missing bucket reads as empty.
     *
     * @param createBucket true (the default, as Alchemy does) to create it; false to fail the write, naming it
     * @return this builder
     */
    public R2StoreBuilder createBucket(boolean createBucket) {
        this.createBucket = createBucket;
        return this;
    }

    /**
     * Keeps each stage's event log on R2's S3-compatible endpoint ({@code https://<account>.r2.cloudflarestorage.com}
     * when {@code endpoint} is null) with these S3 keys (an R2 API token's access key id and secret),
     * in log mode {@link R2StateStore.LogMode#S3}.
     *
     * @param endpoint        R2's S3 endpoint, or null for the account's
     * @param accessKeyId     the S3 access key id
     * @param secretAccessKey the S3 secret access key
     * @return this builder
     * @throws NullPointerException if a key is null
     */
    public R2StoreBuilder eventLogOnS3(URI endpoint, String accessKeyId, String secretAccessKey) {
        this.s3Endpoint = endpoint;
        this.s3AccessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.s3SecretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        this.logMode = R2StateStore.LogMode.S3;
        return this;
    }

    /**
     * Only the endpoint of the S3 API, the keys coming from {@code R2_ACCESS_KEY_ID} and
     * {@code R2_SECRET_ACCESS_KEY}.
     *
     * @param endpoint such as an S3-compatible server in tests; null (the default) for
     *                 {@code https://<account>.r2.cloudflarestorage.com}
     * @return this builder
     */
    public R2StoreBuilder s3Endpoint(URI endpoint) {
        this.s3Endpoint = endpoint;
        return this;
    }

    /**
     * The S3 region the event log's requests are signed for.
     *
     * @param region the region (default {@code auto}, R2's)
     * @return this builder
     * @throws NullPointerException if {@code region} is null
     */
    public R2StoreBuilder s3Region(String region) {
        this.s3Region = Objects.requireNonNull(region, "region");
        return this;
    }

    /**
     * Where the event logs are kept (default: {@code S3} when S3 keys are given or in the
     * environment, else {@code REST}); {@code S3} without keys is refused when the store is built.
     *
     * @param logMode the mode
     * @return this builder
     * @throws NullPointerException if {@code logMode} is null
     */
    public R2StoreBuilder logMode(R2StateStore.LogMode logMode) {
        this.logMode = Objects.requireNonNull(logMode, "logMode");
        return this;
    }

    /**
     * Where object bodies are kept by their MD5 (R2's ETag), so that a record whose listed ETag is
     * there is not read again; null: none. Default: {@code ALCHEMY_R2_CACHE} ({@code none} turns it
     * off), else {@code $XDG_CACHE_HOME/alchemy-java/r2} or {@code $HOME/.cache/alchemy-java/r2}.
     *
     * @param dir the cache's directory, created when the store is built (on POSIX, open to the user alone);
     *            null for no cache
     * @return this builder
     */
    public R2StoreBuilder readCache(Path dir) {
        this.readCache = dir;
        this.readCacheSet = true;
        return this;
    }

    /**
     * Where options not given are looked up.
     *
     * @param environment the variables (default {@link System#getenv()}); copied
     * @return this builder
     * @throws NullPointerException if it, or a name or value in it, is null
     */
    public R2StoreBuilder environment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /**
     * Requests in flight at most for batch reads and writes, of the REST API and of the S3 event log.
     *
     * @param maxConcurrency 1 or more (default 8)
     * @return this builder
     * @throws IllegalArgumentException if it is less than 1
     */
    public R2StoreBuilder maxConcurrency(int maxConcurrency) {
        this.maxConcurrency = positive("maxConcurrency", maxConcurrency);
        return this;
    }

    /**
     * Attempts per request, retries included, of the REST API and of the S3 event log.
     *
     * @param maxAttempts 1 or more (default 5)
     * @return this builder
     * @throws IllegalArgumentException if it is less than 1
     */
    public R2StoreBuilder maxAttempts(int maxAttempts) {
        this.maxAttempts = positive("maxAttempts", maxAttempts);
        return this;
    }

    /**
     * Objects asked per listing page.
     *
     * @param pageSize 1 to 1000 (default 1000)
     * @return this builder
     * @throws IllegalArgumentException if it is outside 1 to 1000
     */
    public R2StoreBuilder pageSize(int pageSize) {
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("pageSize must be 1 to 1000");
        }
        this.pageSize = pageSize;
        return this;
    }

    /**
     * Time allowed for one attempt of one request, of the REST API and of the S3 event log.
     *
     * @param timeout such as {@code Duration.ofSeconds(10)} (default 30 s)
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     */
    public R2StoreBuilder timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * How long REST retries wait: each a random time up to a ceiling, {@code base} for the first retry,
     * doubling with each one up to {@code cap}.
     *
     * @param base the first retry's ceiling (default 500 ms)
     * @param cap  the highest ceiling (default 10 s)
     * @return this builder
     * @throws NullPointerException if either is null
     */
    public R2StoreBuilder retryBackoff(Duration base, Duration cap) {
        this.retryBase = Objects.requireNonNull(base, "base");
        this.retryCap = Objects.requireNonNull(cap, "cap");
        return this;
    }

    /**
     * The longest {@code Retry-After} of a 429 that is waited out; a longer one fails at once with
     * {@link R2Exception.RateLimited}.
     *
     * @param maxRetryAfter the longest wait (default 60 s)
     * @return this builder
     * @throws NullPointerException if {@code maxRetryAfter} is null
     */
    public R2StoreBuilder maxRetryAfter(Duration maxRetryAfter) {
        this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        return this;
    }

    private static int positive(String name, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }

    /** How retries wait (tests record the waits instead of sleeping). */
    R2StoreBuilder sleeper(CloudflareApi.Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return this;
    }

    /**
     * Resolves credentials and account (asking the API for the account when none is given) and
     * opens the store. Nothing else is sent: a missing bucket shows at the first write.
     *
     * @return the store, to close when done
     * @throws ConfigurationException if the bucket name is empty, the base URL is not allowed, no credentials
     *                                are found, an API key has no e-mail, the credentials see no account or
     *                                several, or log mode S3 has no S3 keys
     * @throws R2Exception            if the listing of the accounts fails
     * @throws IllegalArgumentException if the read cache's directory cannot be created
     */
    public R2StateStore build() {
        if (bucket.isEmpty()) {
            throw new ConfigurationException("R2 store: the bucket name is empty");
        }
        CloudflareEnvironment env = new CloudflareEnvironment(environment, "R2 store", PERMISSIONS);
        CloudflareApi api = new CloudflareApi(new CloudflareApi.Settings("R2 store", PERMISSIONS, env.baseUrl(baseUrl),
                env.credentials(apiToken, apiKey, email), maxAttempts, timeout, retryBase, retryCap, maxRetryAfter), sleeper);
        try {
            String acct = env.account(account);
            if (acct == null) {
                acct = R2Objects.discoverAccount(api);
            }
            String keyPrefix = prefix == null || prefix.isEmpty() ? R2StateStore.DEFAULT_PREFIX : prefix;
            R2Objects objects = new R2Objects(api, acct, bucket, createBucket, pageSize);
            S3StateStore s3Log = s3Log(env, acct, keyPrefix);
            R2StateStore.LogMode mode = logMode != null ? logMode : s3Log != null ? R2StateStore.LogMode.S3
                    : R2StateStore.LogMode.REST;
            if (mode == R2StateStore.LogMode.S3 && s3Log == null) {
                throw new ConfigurationException("R2 store: the event log on R2's S3 endpoint (log mode S3) needs S3 keys:"
                        + " set R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY (an R2 API token's), or choose log mode REST");
            }
            return new R2StateStore(objects, keyPrefix, maxConcurrency, mode, s3Log, cache(env), api);
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** The S3 store on R2's S3 endpoint whose event logs this store may hand out, or null without S3 keys. */
    private S3StateStore s3Log(CloudflareEnvironment env, String acct, String keyPrefix) {
        String id = CloudflareEnvironment.first(s3AccessKeyId, env.get("R2_ACCESS_KEY_ID"));
        String secret = CloudflareEnvironment.first(s3SecretAccessKey, env.get("R2_SECRET_ACCESS_KEY"));
        if (id == null || secret == null || (logMode != null && logMode != R2StateStore.LogMode.S3)) {
            return null;
        }
        URI endpoint = s3Endpoint != null ? s3Endpoint : URI.create("https://" + acct + ".r2.cloudflarestorage.com");
        return S3StateStore.builder().bucket(bucket).prefix(keyPrefix).endpoint(endpoint).pathStyle(true)
                .region(s3Region).credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)))
                .maxConcurrency(maxConcurrency).maxAttempts(maxAttempts).timeout(timeout).build();
    }

    private ReadCache cache(CloudflareEnvironment env) {
        Path dir = readCache;
        if (!readCacheSet) {
            String configured = env.get("ALCHEMY_R2_CACHE");
            if ("none".equals(configured)) {
                return null;
            }
            String home = CloudflareEnvironment.first(env.get("XDG_CACHE_HOME"), env.get("HOME") == null ? null : env.get("HOME") + "/.cache");
            dir = configured != null ? Path.of(configured) : home == null ? null : Path.of(home, "alchemy-java", "r2");
        }
        return dir == null ? null : ReadCache.in(dir);
    }

    @Override
    public String toString() {
        return "R2StoreBuilder[bucket=" + bucket + ", prefix=" + prefix + ", account=" + account + "]";
    }
}
