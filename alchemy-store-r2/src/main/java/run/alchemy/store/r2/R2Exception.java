package run.alchemy.store.r2;

import run.alchemy.api.StoreException;

import java.util.List;

/**
 * Cloudflare's API refused a request of the R2 store, or gave no usable answer: what was asked
 * ({@link #operation}), of which bucket and object, the HTTP status (0 when no answer came) and
 * Cloudflare's error codes (such as 10006, no such bucket; 10007, no such object). Messages name the
 * credentials by kind and origin, never by value. The cause of one the API refused is the shared
 * client's {@link run.alchemy.cloudflare.CloudflareApiException}.
 */
public class R2Exception extends StoreException {
    private final String operation;
    private final String bucket;
    private final String key;
    private final int status;
    private final List<Integer> codes;

    public R2Exception(String message, String operation, String bucket, String key, int status, List<Integer> codes,
                       Throwable cause) {
        super(message, cause);
        this.operation = operation;
        this.bucket = bucket;
        this.key = key;
        this.status = status;
        this.codes = List.copyOf(codes);
    }

    /** What was asked: {@code get object}, {@code list objects}, {@code create bucket}, … */
    public String operation() {
        return operation;
    }

    /** The bucket, or null for requests about the account. */
    public String bucket() {
        return bucket;
    }

    /** The object key, or null for requests about the bucket or account. */
    public String key() {
        return key;
    }

    /** The HTTP status, or 0 when no answer came (connection failed, timed out). */
    public int status() {
        return status;
    }

    /** Cloudflare's error codes from the answer's {@code errors}, in order; empty when none. */
    public List<Integer> codes() {
        return codes;
    }

    /** The credentials were refused (401, or 403 twice): they are wrong, or lack R2 permissions on this account. */
    public static final class Unauthorized extends R2Exception {
        public Unauthorized(String message, String operation, String bucket, String key, int status, List<Integer> codes,
                            Throwable cause) {
            super(message, operation, bucket, key, status, codes, cause);
        }
    }

    /** Cloudflare kept answering 429 (rate limited) through every retry. */
    public static final class RateLimited extends R2Exception {
        public RateLimited(String message, String operation, String bucket, String key, List<Integer> codes,
                           Throwable cause) {
            super(message, operation, bucket, key, 429, codes, cause);
        }
    }
}
