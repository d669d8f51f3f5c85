package run.alchemy.store.s3.internal;

import run.alchemy.api.StoreException;
import run.alchemy.store.s3.LogObjects;
import run.alchemy.store.s3.S3StateStore;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One bucket seen through one client: the object operations the store and its event log need,
 * with every SDK failure turned into a {@link StoreException} that names the object and says what
 * to do. Throttling, 5xx answers, timeouts and dropped connections were already retried by the
 * client (bounded attempts, exponential backoff with jitter) before anything reaches here.
 */
public final class S3Objects implements LogObjects, AutoCloseable {

    private final S3Client client;
    private final boolean ownsClient;
    private final String bucket;
    private final String endpoint;
    private final ExecutorService pool;
    private final int parallelism;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong lists = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    public S3Objects(S3Client client, boolean ownsClient, String bucket, String endpoint, int parallelism) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.bucket = bucket;
        this.endpoint = endpoint;
        this.parallelism = parallelism;
        this.pool = Executors.newFixedThreadPool(parallelism, daemonThreads("alchemy-s3-" + bucket));
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public String bucket() {
        return bucket;
    }

    /** {@code s3://bucket/key}, for messages. */
    @Override
    public String url(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** Requests sent so far (lists and writes included), for measurements. */
    public S3StateStore.RequestCounts counts() {
        return new S3StateStore.RequestCounts(requests.get(), lists.get(), writes.get());
    }

    /** The object's bytes, or empty when it does not exist. */
    @Override
    public Optional<byte[]> get(String key) {
        return call("read", key, () -> {
            try {
                ResponseBytes<GetObjectResponse> bytes =
                        client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build());
                return Optional.of(bytes.asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** The object's bytes and ETag, or empty when it does not exist. */
    @Override
    public Optional<Fetched> getWithETag(String key) {
        return call("read", key, () -> {
            try {
                ResponseBytes<GetObjectResponse> bytes =
                        client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build());
                return Optional.of(new Fetched(bytes.asByteArray(), bytes.response().eTag()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** The first {@code length} bytes of the object (fewer if it is shorter), or empty when it does not exist. */
    @Override
    public Optional<byte[]> head(String key, int length) {
        return call("read", key, () -> {
            try {
                return Optional.of(client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key)
                        .range("bytes=0-" + (length - 1)).build()).asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public String put(String key, byte[] body, String contentType) {
        writes.incrementAndGet();
        return call("write", key, () -> client.putObject(b -> b.bucket(bucket).key(key).contentType(contentType),
                RequestBody.fromBytes(body))).eTag();
    }

    /**
     * Creates the object only if no object has the key ({@code If-None-Match: *}): of two writers
     * racing for one key exactly one gets {@link Create#CREATED}. S3 answers the loser 412; while a
     * competing conditional write is in flight it may answer 409 {@code ConditionalRequestConflict},
     * which is retried here.
     */
    @Override
    public Create putIfAbsent(String key, byte[] body, String contentType) {
        for (int attempt = 1; ; attempt++) {
            writes.incrementAndGet();
            try {
                call("create", key, () -> client.putObject(
                        b -> b.bucket(bucket).key(key).contentType(contentType).ifNoneMatch("*"),
                        RequestBody.fromBytes(body)));
                return Create.CREATED;
            } catch (StoreException e) {
                if (!(e.getCause() instanceof AwsServiceException s)) {
                    throw e;
                }
                if (s.statusCode() == 412) {
                    return Create.EXISTS;
                }
                if (s.statusCode() == 409 && attempt < 10) {
                    Backoff.sleep(attempt);
                    continue;
                }
                throw e;
            }
        }
    }

    @Override
    public void delete(String key) {
        writes.incrementAndGet();
        call("delete", key, () -> {
            try {
                return client.deleteObject(b -> b.bucket(bucket).key(key));
            } catch (NoSuchKeyException e) {
                return null;
            }
        });
    }

    /** Deletes many objects, a thousand per request. */
    @Override
    public void deleteAll(List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> ids = new ArrayList<>();
            for (String k : keys.subList(from, Math.min(keys.size(), from + 1000))) {
                ids.add(ObjectIdentifier.builder().key(k).build());
            }
            writes.incrementAndGet();
            call("delete", keys.get(from), () -> client.deleteObjects(b -> b.bucket(bucket)
                    .delete(Delete.builder().objects(ids).quiet(true).build())));
        }
    }

    /**
     * Every key under {@code prefix} after {@code startAfter} (null: from the start), and with a
     * delimiter the common prefixes, following continuation tokens to the end.
     */
    @Override
    public Listing list(String prefix, String delimiter, String startAfter) {
        List<String> keys = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        Map<String, String> etags = new HashMap<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            if (delimiter != null) {
                request.delimiter(delimiter);
            }
            if (startAfter != null) {
                request.startAfter(startAfter);
            }
            if (token != null) {
                request.continuationToken(token);
            }
            lists.incrementAndGet();
            ListObjectsV2Response page = call("list", prefix, () -> client.listObjectsV2(request.build()));
            for (S3Object o : page.contents()) {
                keys.add(o.key());
                if (o.eTag() != null) {
                    etags.put(o.key(), o.eTag());
                }
            }
            for (CommonPrefix p : page.commonPrefixes()) {
                prefixes.add(p.prefix());
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return new Listing(keys, prefixes, etags);
    }

    /** Checks that the bucket exists and these credentials may list it, as Alchemy's {@code init} does. */
    public void checkBucket() {
        lists.incrementAndGet();
        call("list", "", () -> client.listObjectsV2(b -> b.bucket(bucket).maxKeys(1)));
    }

    /**
     * Runs the tasks with at most the pool's parallelism in flight and returns their results in
     * order; the first failure is thrown (the remaining tasks are cancelled).
     */
    public <T> List<T> inParallel(List<Supplier<T>> tasks) {
        if (tasks.size() <= 1) {
            List<T> out = new ArrayList<>();
            tasks.forEach(t -> out.add(t.get()));
            return out;
        }
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Supplier<T> t : tasks) {
                futures.add(pool.submit(t::get));
            }
            List<T> out = new ArrayList<>(tasks.size());
            for (Future<T> f : futures) {
                out.add(await(f));
            }
            return out;
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    /** Starts a task on the pool (for reads that stream in order while later ones are fetched). */
    @Override
    public <T> Future<T> submit(Supplier<T> task) {
        return pool.submit(task::get);
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    public static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for S3", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("S3 request failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Runs one SDK call and translates what can go wrong into a message that names the bucket or
     * object and the likely fix. Credentials never appear: SDK messages carry none.
     */
    private <T> T call(String what, String key, Supplier<T> request) {
        requests.incrementAndGet();
        try {
            return request.get();
        } catch (NoSuchBucketException e) {
            throw new StoreException("S3 bucket \"" + bucket + "\" does not exist at " + endpoint
                    + ": create it first (Alchemy's S3StateStore needs it too)", e);
        } catch (AwsServiceException e) {
            throw new StoreException(describe(what, key, e), e);
        } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
            throw new StoreException("S3 " + what + " of " + url(key) + " timed out at " + endpoint
                    + " (after retries): " + e.getMessage(), e);
        } catch (AbortedException e) {
            throw new StoreException("S3 " + what + " of " + url(key) + " was interrupted", e);
        } catch (SdkClientException e) {
            throw new StoreException("cannot reach S3 at " + endpoint + " to " + what + " " + url(key)
                    + " (after retries): " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StoreException("S3 " + what + " of " + url(key) + " failed: " + e.getMessage(), e);
        }
    }

    private String describe(String what, String key, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String where = url(key) + " at " + endpoint;
        int status = e.statusCode();
        if (status == 403 || "AccessDenied".equals(code) || "InvalidAccessKeyId".equals(code)
                || "SignatureDoesNotMatch".equals(code)) {
            return "access denied to " + what + " " + where + " (" + code + "): check the credentials"
                    + " (AWS_ACCESS_KEY_ID/AWS_PROFILE or the store's explicit options) and the bucket policy";
        }
        if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)
                || "IllegalLocationConstraintException".equals(code)) {
            String region = e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null ? null
                    : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
            return "S3 bucket \"" + bucket + "\" is in another region"
                    + (region == null ? "" : " (" + region + ")") + ": set the store's region"
                    + (region == null ? "" : " to " + region) + " (" + what + " " + where + ", " + code + ")";
        }
        if (status == 503 || status == 429 || status >= 500) {
            return "S3 kept failing to " + what + " " + where + " after retries: HTTP " + status
                    + (code == null ? "" : " " + code);
        }
        return "S3 refused to " + what + " " + where + ": HTTP " + status + (code == null ? "" : " " + code)
                + (e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? ""
                        : " (" + e.awsErrorDetails().errorMessage() + ")");
    }

    @Override
    public void close() {
        pool.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }
}
