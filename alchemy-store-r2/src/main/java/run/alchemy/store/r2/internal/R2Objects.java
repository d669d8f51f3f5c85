package run.alchemy.store.r2.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import run.alchemy.api.ConfigurationException;
import run.alchemy.cloudflare.CloudflareApi;
import run.alchemy.cloudflare.CloudflareApi.Answer;
import run.alchemy.cloudflare.CloudflareApi.Op;
import run.alchemy.cloudflare.CloudflareApiException;
import run.alchemy.store.r2.R2Exception;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bucket through Cloudflare's REST object API: {@code GET|PUT|DELETE
 * /accounts/{account}/r2/buckets/{bucket}/objects/{key}} and the listing
 * {@code GET …/objects?prefix=&delimiter=&per_page=&cursor=}, every page followed (Alchemy's client
 * reads only the first). A bucket that does not exist (error 10006) reads as empty; the first write
 * creates it when allowed (a 409 from a parallel creator is success), else fails naming it. The
 * shared client's refusals come out as {@link R2Exception}s naming the bucket and key.
 */
public final class R2Objects {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    /** Cloudflare's error code for "the specified bucket does not exist". */
    static final int NO_SUCH_BUCKET = 10006;

    /** A listed object: its key and its ETag (R2's version token of the object's bytes). */
    public record Entry(String key, String etag) {
    }

    /** The objects directly under a prefix, and the delimited prefixes below it. */
    public record Listing(List<Entry> objects, List<String> prefixes) {
    }

    private final CloudflareApi api;
    private final String account;
    private final String bucket;
    private final boolean createBucket;
    private final int pageSize;
    private final AtomicLong lists = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    public R2Objects(CloudflareApi api, String account, String bucket, boolean createBucket, int pageSize) {
        this.api = api;
        this.account = account;
        this.bucket = bucket;
        this.createBucket = createBucket;
        this.pageSize = pageSize;
    }

    public String bucket() {
        return bucket;
    }

    public String account() {
        return account;
    }

    /** Where an object lives, for messages: {@code r2://bucket/key}. */
    public String url(String key) {
        return "r2://" + bucket + "/" + key;
    }

    private HttpUrl.Builder bucketUrl() {
        return api.url("accounts", account, "r2", "buckets", bucket);
    }

    /** What a request of this bucket is, for the shared client's messages: {@code get object "k" in bucket "b"}. */
    private Op op(String operation, String key) {
        return new Op(operation, (key != null ? "\"" + key + "\" " : "") + "in bucket \"" + bucket + "\"");
    }

    /** {@link CloudflareApi#send}, its refusals as the R2 store's exceptions (same message, the bucket and key named). */
    private Answer send(String operation, String key, Request.Builder request, Set<Integer> accepted) {
        try {
            return api.send(op(operation, key), request, accepted);
        } catch (CloudflareApiException e) {
            throw r2(e, operation, bucket, key);
        }
    }

    private static R2Exception r2(CloudflareApiException e, String operation, String bucket, String key) {
        if (e instanceof CloudflareApiException.Unauthorized) {
            return new R2Exception.Unauthorized(e.getMessage(), operation, bucket, key, e.status(), e.codes(), e);
        }
        if (e instanceof CloudflareApiException.RateLimited) {
            return new R2Exception.RateLimited(e.getMessage(), operation, bucket, key, e.codes(), e);
        }
        return new R2Exception(e.getMessage(), operation, bucket, key, e.status(), e.codes(), e);
    }

    /** The one account the credentials see, for when none is configured (see {@link CloudflareApi#discoverAccount}). */
    public static String discoverAccount(CloudflareApi api) {
        try {
            return api.discoverAccount("CLOUDFLARE_ACCOUNT_ID or the store's account option (r2://BUCKET?account=ID)");
        } catch (CloudflareApiException e) {
            throw r2(e, "list accounts", null, null);
        }
    }

    private HttpUrl objectUrl(String key) {
        return bucketUrl().addPathSegment("objects").addPathSegments(key).build();
    }

    /** The object, or empty when it (or the bucket) does not exist. */
    public Optional<byte[]> get(String key) {
        Answer a = send("get object", key,
                new Request.Builder().url(objectUrl(key)).header("Accept", "application/octet-stream").get(), Set.of(404));
        return a.status() == 404 ? Optional.empty() : Optional.of(a.body());
    }

    /** Uploads the object. */
    public void put(String key, byte[] body) {
        writes.incrementAndGet();
        Request.Builder request = new Request.Builder().url(objectUrl(key)).put(RequestBody.create(body, OCTETS));
        Answer a = send("put object", key, request, Set.of(404));
        if (a.status() == 404 && a.codes().contains(NO_SUCH_BUCKET)) {
            createBucket(key);
            send("put object", key, request, Set.of());
        } else if (a.status() == 404) {
            throw new R2Exception("R2 store: " + op("put object", key).describe() + " failed: 404 " + a.codes(),
                    "put object", bucket, key, 404, a.codes(), null);
        }
    }

    /** Deletes the object; a missing object or bucket is not an error. */
    public void delete(String key) {
        writes.incrementAndGet();
        send("delete object", key, new Request.Builder().url(objectUrl(key)).delete(), Set.of(404));
    }

    /** {@link #list(String, String, String)} with {@code /} as the delimiter, from the start. */
    public Listing list(String prefix) {
        return list(prefix, "/", null);
    }

    /**
     * Every page of the listing under {@code prefix} after {@code startAfter} (null: from the
     * start), with {@code delimiter} (null: none). A page is the last
     * when its {@code result_info} is missing, its cursor is empty or one seen before, or it says
     * {@code is_truncated} false (a boolean or the string, as the API has sent both). Keys that still
     * contain the delimiter after the prefix (a server that ignores it) count as prefixes.
     */
    public Listing list(String prefix, String delimiter, String startAfter) {
        String operation = "list objects under \"" + prefix + "\"";
        Op op = op(operation, null);
        List<Entry> objects = new ArrayList<>();
        Set<String> prefixes = new TreeSet<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        do {
            HttpUrl.Builder url = bucketUrl().addPathSegment("objects").addQueryParameter("prefix", prefix)
                    .addQueryParameter("per_page", Integer.toString(pageSize));
            if (delimiter != null) {
                url.addQueryParameter("delimiter", delimiter);
            }
            if (startAfter != null) {
                url.addQueryParameter("start_after", startAfter);
            }
            if (cursor != null) {
                url.addQueryParameter("cursor", cursor);
            }
            lists.incrementAndGet();
            Answer a = send(operation, null, new Request.Builder().url(url.build()).get(), Set.of(404));
            if (a.status() == 404) {
                if (a.codes().contains(NO_SUCH_BUCKET)) {
                    return new Listing(List.of(), List.of());
                }
                throw new R2Exception("R2 store: " + op.describe() + " failed: 404 " + a.codes(), operation, bucket,
                        null, 404, a.codes(), null);
            }
            JsonNode reply = a.envelope();
            if (reply == null) {
                throw new R2Exception("R2 store: " + op.describe() + ": the answer is not Cloudflare's JSON envelope ("
                        + a.body().length + " bytes)", operation, bucket, null, a.status(), List.of(), null);
            }
            JsonNode result = reply.path("result");
            for (JsonNode o : result.isArray() ? result : result.path("objects")) {
                String key = o.path("key").asText(o.path("name").asText(""));
                String rest = key.startsWith(prefix) ? key.substring(prefix.length()) : null;
                if (rest == null || rest.isEmpty()) {
                    continue;
                }
                int cut = delimiter == null ? -1 : rest.indexOf(delimiter);
                if (cut >= 0) {
                    prefixes.add(prefix + rest.substring(0, cut + delimiter.length()));
                } else {
                    objects.add(new Entry(key, o.path("etag").asText(null)));
                }
            }
            JsonNode info = reply.path("result_info");
            for (JsonNode p : info.path("delimited")) {
                prefixes.add(p.asText());
            }
            String next = info.path("cursor").asText("");
            JsonNode truncated = info.path("is_truncated");
            boolean last = info.isMissingNode() || next.isEmpty() || !cursors.add(next)
                    || (!truncated.isMissingNode() && !truncated.asBoolean(false) && !"true".equals(truncated.asText()));
            cursor = last ? null : next;
        } while (cursor != null);
        return new Listing(objects, new ArrayList<>(prefixes));
    }

    /** Creates the bucket for a first write, or explains why the write cannot go ahead. */
    private void createBucket(String key) {
        if (!createBucket) {
            throw new R2Exception("R2 store: bucket \"" + bucket + "\" does not exist in account " + account
                    + " and creating it is turned off: create it, or allow the store to (createBucket)", "put object",
                    bucket, key, 404, List.of(NO_SUCH_BUCKET), null);
        }
        HttpUrl url = api.url("accounts", account, "r2", "buckets").build();
        byte[] body = ("{\"name\":" + quote(bucket) + "}").getBytes(StandardCharsets.UTF_8);
        // 409: another deployer created it a moment ago, which is all this wanted
        send("create bucket", null, new Request.Builder().url(url).post(RequestBody.create(body, JSON_TYPE)), Set.of(409));
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new ConfigurationException("bucket name " + s + " cannot be written as JSON");
        }
    }

    /** Requests sent (each attempt), listing pages, and writes (puts and deletes). */
    public long[] counts() {
        return new long[] {api.requests(), lists.get(), writes.get()};
    }
}
