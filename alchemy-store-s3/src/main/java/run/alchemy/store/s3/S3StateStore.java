package run.alchemy.store.s3;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;
import run.alchemy.store.s3.internal.S3Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * State in an S3 bucket, under exactly the keys Alchemy's {@code S3StateStore} uses, so that both
 * can share one bucket: {@code <prefix><app>/<stage>/…/<id with / as :>}, where the prefix is the
 * configured one verbatim or {@code alchemy/} when none is set; each record is the 2-space JSON
 * text, {@code Content-Type: application/json}, no suffix.
 *
 * <p>Each stage also gets an event log of create-only objects under
 * {@code <prefix>.alchemy-java/<app>/<stage>/}, a key range Alchemy never lists.
 *
 * <pre>{@code
 * StateStore store = S3StateStore.builder()
 *     .bucket("my-state").prefix("teams/web/").region("eu-west-1")
 *     .build();
 * }</pre>
 *
 * Credentials and region come from the SDK's default chains (environment, profile, container,
 * instance metadata) unless given here; explicit options win. Throttling, 5xx answers, timeouts
 * and dropped connections are retried a bounded number of times with exponential backoff and
 * jitter; what still fails is a {@link run.alchemy.api.StoreException} naming the object.
 */
public final class S3StateStore implements StateStore {
    /** Alchemy's default bucket name. */
    public static final String DEFAULT_BUCKET = "alchemy-state";
    /** Alchemy's key prefix when none is configured. */
    public static final String DEFAULT_PREFIX = "alchemy/";

    private final S3Objects objects;
    private final String prefix;
    private final ObjectLogs logs;

    private S3StateStore(S3Objects objects, String prefix) {
        this.objects = objects;
        this.prefix = prefix;
        this.logs = new ObjectLogs(objects, prefix);
    }

    /**
     * Starts the options of a store.
     *
     * @return a builder with Alchemy's defaults: bucket {@value #DEFAULT_BUCKET}, prefix {@value #DEFAULT_PREFIX}
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options, as for Alchemy's {@code new S3StateStore(scope, {bucketName, region, prefix})}, plus the client's. */
    public static final class Builder {
        private String bucket = DEFAULT_BUCKET;
        private String prefix;
        private String region;
        private URI endpoint;
        private boolean pathStyle;
        private String profile;
        private AwsCredentialsProvider credentials;
        private S3Client client;
        private int maxConcurrency = 16;
        private int maxAttempts = 5;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * The bucket, which must exist (see {@link S3StateStore#checkAccess()}).
         *
         * @param bucket the bucket's name (default {@value #DEFAULT_BUCKET}, as Alchemy's)
         * @return this builder
         * @throws NullPointerException if {@code bucket} is null
         */
        public Builder bucket(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        /**
         * The key prefix, put verbatim before {@code <app>/<stage>/…}: no separator is added, as in Alchemy.
         *
         * @param prefix such as {@code teams/web/}; null or empty for {@value #DEFAULT_PREFIX}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /**
         * The region of the bucket.
         *
         * @param region such as {@code eu-west-1}; null (the default) for the SDK's chain: {@code AWS_REGION},
         *               the profile, instance metadata
         * @return this builder
         */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * An S3-compatible endpoint (S3Proxy, MinIO, R2's S3 API) instead of AWS's.
         *
         * @param endpoint such as {@code http://127.0.0.1:9000}; null (the default) for AWS S3
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible servers need.
         *
         * @param pathStyle true for path style; false (the default) for virtual-hosted style
         *                  ({@code bucket.endpoint/key})
         * @return this builder
         */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /**
         * A named profile of {@code ~/.aws/config} and {@code ~/.aws/credentials} for the credentials,
         * instead of the default chain; {@link #credentials} wins over it.
         *
         * @param profile the profile's name, or null (the default) for the default chain
         * @return this builder
         */
        public Builder profile(String profile) {
            this.profile = profile;
            return this;
        }

        /**
         * Explicit credentials instead of the SDK's default chain.
         *
         * @param credentials such as {@code StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret))};
         *                    null (the default) for the profile or the default chain
         * @return this builder
         */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * A client to use instead of building one; the caller keeps it (closing the store does not
         * close it) and its region, endpoint, credentials and retries apply: of the other options
         * only the bucket, the prefix and {@link #maxConcurrency} are used.
         *
         * @param client the client, or null (the default) to build one from these options
         * @return this builder
         */
        public Builder client(S3Client client) {
            this.client = client;
            return this;
        }

        /**
         * Requests in flight at most for batch reads, batch writes and log reads.
         *
         * @param maxConcurrency 1 or more (default 16)
         * @return this builder
         * @throws IllegalArgumentException if it is less than 1
         */
        public Builder maxConcurrency(int maxConcurrency) {
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency must be at least 1");
            }
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * Attempts per request, retries included.
         *
         * @param maxAttempts 1 or more (default 5)
         * @return this builder
         * @throws IllegalArgumentException if it is less than 1
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Time allowed for one attempt of one request, and for a socket read.
         *
         * @param timeout such as {@code Duration.ofSeconds(10)} (default 30 s)
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Builds the client (unless one was given) and the store; nothing is sent to S3 yet.
         *
         * @return the store, to close when done
         * @throws ConfigurationException if the bucket name is empty, or the SDK cannot build a client
         *                                (such as when no region is found)
         */
        public S3StateStore build() {
            if (bucket.isEmpty()) {
                throw new ConfigurationException("S3 store: the bucket name is empty");
            }
            String keyPrefix = prefix == null || prefix.isEmpty() ? DEFAULT_PREFIX : prefix;
            if (client != null) {
                String where = endpoint != null ? endpoint.toString() : "the given client's endpoint";
                return new S3StateStore(new S3Objects(client, false, bucket, where, maxConcurrency), keyPrefix);
            }
            S3Client built;
            // The SDK checks what it is given here (a blank region, an endpoint it cannot use) with
            // IllegalArgumentExceptions of its own: each becomes a ConfigurationException naming the bucket.
            try {
                S3ClientBuilder b = S3Client.builder()
                        .httpClientBuilder(Apache5HttpClient.builder()
                                .maxConnections(Math.max(50, maxConcurrency * 2))
                                .connectionTimeout(Duration.ofSeconds(5))
                                .socketTimeout(timeout))
                        .overrideConfiguration(o -> o
                                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                        .maxAttempts(maxAttempts).build())
                                .apiCallAttemptTimeout(timeout))
                        .forcePathStyle(pathStyle);
                if (region != null) {
                    b.region(Region.of(region));
                }
                if (endpoint != null) {
                    b.endpointOverride(endpoint);
                }
                if (credentials != null) {
                    b.credentialsProvider(credentials);
                } else if (profile != null) {
                    b.credentialsProvider(ProfileCredentialsProvider.create(profile));
                }
                built = b.build();
            } catch (RuntimeException e) {
                throw new ConfigurationException("S3 store for bucket \"" + bucket + "\": " + e.getMessage()
                        + (region == null ? " (set region=… or AWS_REGION)" : ""));
            }
            String where = endpoint != null ? endpoint.toString() : "AWS S3";
            return new S3StateStore(new S3Objects(built, true, bucket, where, maxConcurrency), keyPrefix);
        }
    }

    /**
     * The key prefix of a scope: {@code <prefix><chain joined by />/}, the elements unescaped as
     * Alchemy joins them (a scope named {@code a/b}, such as the children of resource {@code a/b},
     * nests one level deeper, as in the file-system layout).
     */
    String scopePrefix(List<String> chain) {
        StringBuilder b = new StringBuilder(prefix);
        for (String element : chain) {
            if (element.isEmpty()) {
                throw new InvalidIdException(element, objects.url(b.toString()), "empty scope name");
            }
            b.append(element).append('/');
        }
        if (!chain.isEmpty() && (chain.get(0) + "/").equals(ObjectLogs.LOG_ROOT)) {
            throw new InvalidIdException(chain.get(0), objects.url(prefix), "this app name is where the event logs live");
        }
        return b.toString();
    }

    /** The object key of a record: Alchemy's, {@code /} in the id becoming {@code :}. */
    String key(List<String> chain, String id) {
        if (id.isEmpty()) {
            throw new InvalidIdException(id, objects.url(scopePrefix(chain)), "empty id");
        }
        return scopePrefix(chain) + id.replace('/', ':');
    }

    @Override
    public Optional<byte[]> get(List<String> chain, String id) {
        return objects.get(key(chain, id));
    }

    /** Fetched in parallel, at most {@code maxConcurrency} requests in flight. */
    @Override
    public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        List<String> order = new ArrayList<>(ids);
        List<Supplier<Optional<byte[]>>> tasks = new ArrayList<>(order.size());
        for (String id : order) {
            String key = key(chain, id);
            tasks.add(() -> objects.get(key));
        }
        List<Optional<byte[]>> found = objects.inParallel(tasks);
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            String id = order.get(i);
            found.get(i).ifPresent(bytes -> out.put(id, bytes));
        }
        return out;
    }

    @Override
    public void put(List<String> chain, String id, byte[] json) {
        objects.put(key(chain, id), json, "application/json");
    }

    @Override
    public void delete(List<String> chain, String id) {
        objects.delete(key(chain, id));
    }

    /** Sent in parallel, at most {@code maxConcurrency} requests in flight. */
    @Override
    public void writeAll(List<Write> writes) {
        writeAllVersioned(writes);
    }

    /** {@link #writeAll}; each put's ETag, as the listing shows it. */
    @Override
    public List<String> writeAllVersioned(List<Write> writes) {
        List<Supplier<String>> tasks = new ArrayList<>(writes.size());
        for (Write w : writes) {
            String key = key(w.chain(), w.id());
            tasks.add(() -> {
                if (w.json() == null) {
                    objects.delete(key);
                    return null;
                }
                return objects.put(key, w.json(), "application/json");
            });
        }
        return objects.inParallel(tasks);
    }

    /**
     * One listing with a {@code /} delimiter: the records (keys) and the child scopes (common
     * prefixes). Alchemy lists without a delimiter, so records of nested scopes come back to it
     * as ids containing {@code /}.
     */
    @Override
    public Contents contents(List<String> chain) {
        String scope = scopePrefix(chain);
        LogObjects.Listing listing = objects.list(scope, "/", null);
        List<String> ids = new ArrayList<>();
        Map<String, String> versions = new HashMap<>();
        for (String key : listing.keys()) {
            String id = key.substring(scope.length()).replace(':', '/');
            ids.add(id);
            String etag = listing.etags().get(key);
            if (etag != null) {
                versions.put(id, etag);
            }
        }
        List<String> names = new ArrayList<>();
        for (String p : listing.prefixes()) {
            names.add(p.substring(scope.length(), p.length() - 1));
        }
        return new Contents(ids, names, versions);
    }

    /** S3 has no containers: a scope exists while objects have its prefix. */
    @Override
    public void deleteScope(List<String> chain) {
        scopePrefix(chain);
    }

    @Override
    public String locate(List<String> chain, String id) {
        return objects.url(key(chain, id));
    }

    @Override
    public boolean prefersBatchReads() {
        return true;
    }

    @Override
    public Optional<LogStore> logStore(String app, String stage) {
        return Optional.of(logs.logStore(app, stage));
    }

    /**
     * The stages' event logs in this bucket, for a store that keeps its snapshots elsewhere (R2 over
     * REST, with its log on R2's S3 endpoint).
     *
     * @return the logs, the ones {@link #logStore} opens
     */
    public ObjectLogs eventLogs() {
        return logs;
    }

    @Override
    public boolean hasLog(String app, String stage) {
        return logs.hasLog(app, stage);
    }

    @Override
    public Set<String> eventLogStages(String app) {
        return logs.stages(app);
    }

    /**
     * Checks that the bucket exists and can be listed with these credentials (Alchemy's {@code init}).
     *
     * @throws run.alchemy.api.StoreException if it does not exist, the credentials are refused or S3
     *                                        cannot be reached, saying which
     */
    public void checkAccess() {
        objects.checkBucket();
    }

    /**
     * Requests this store (and its event logs) made so far, for measurements and tests.
     *
     * @return the counts since the store was built; the SDK's retries of a request are not counted
     */
    public RequestCounts requestCounts() {
        return objects.counts();
    }

    /**
     * Requests sent.
     *
     * @param requests all of them, listings and writes included
     * @param lists    the listings among them, each page counted
     * @param writes   the writes among them: puts, conditional creates and deletes (a batch delete of up
     *                 to 1,000 objects counted once)
     */
    public record RequestCounts(long requests, long lists, long writes) {
        /**
         * The requests sent since {@code before}.
         *
         * @param before earlier counts of the same store
         * @return each count less the one in {@code before}
         */
        public RequestCounts minus(RequestCounts before) {
            return new RequestCounts(requests - before.requests, lists - before.lists, writes - before.writes);
        }
    }

    @Override
    public String toString() {
        return "S3StateStore[" + objects.url(prefix) + "]";
    }

    @Override
    public void close() {
        objects.close();
    }
}
