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
    /** What was asked; see {@link #operation()}. */
    private final String operation;
    /** The bucket, or null; see {@link #bucket()}. */
    private final String bucket;
    /** The object key, or null; see {@link #key()}. */
    private final String key;
    /** The HTTP status, 0 when no answer came; see {@link #status()}. */
    private final int status;
    /** Cloudflare's error codes, in order; see {@link #codes()}. */
    private final List<Integer> codes;

    /**
     * A failed request of the R2 store; made by the store, not by its users.
     *
     * @param message   the message: what was asked, of which bucket and object, and why it failed
     * @param operation what was asked, such as {@code get object}
     * @param bucket    the bucket, or null for a request about the account
     * @param key       the object key, or null for a request about the bucket or the account
     * @param status    the HTTP status, or 0 when no answer came
     * @param codes     Cloudflare's error codes from the answer, in order (copied); empty when none
     * @param cause     the shared client's exception, or null
     */
    public R2Exception(String message, String operation, String bucket, String key, int status, List<Integer> codes,
                       Throwable cause) {
        super(message, cause);
        this.operation = operation;
        this.bucket = bucket;
        this.key = key;
        this.status = status;
        this.codes = List.copyOf(codes);
    }

    /**
     * What was asked.
     *
     * @return the operation: {@code get object}, {@code list objects}, {@code create bucket}, …
     */
    public String operation() {
        return operation;
    }

    /**
     * The bucket the request was of.
     *
     * @return the bucket's name, or null for requests about the account
     */
    public String bucket() {
        return bucket;
    }

    /**
     * The object the request was of.
     *
     * @return the whole object key (the store's prefix included), or null for requests about the bucket or account
     */
    public String key() {
        return key;
    }

    /**
     * The HTTP status of the answer.
     *
     * @return the status, or 0 when no answer came (connection failed, timed out)
     */
    public int status() {
        return status;
    }

    /**
     * Cloudflare's error codes from the answer's {@code errors}.
     *
     * @return the codes in order, unmodifiable; empty when the answer had none
     */
    public List<Integer> codes() {
        return codes;
    }

    /** The credentials were refused (401, or 403 twice): they are wrong, or lack R2 permissions on this account. */
    public static final class Unauthorized extends R2Exception {
        /**
         * Refused credentials; made by the store, not by its users.
         *
         * @param message   the message: what was asked, of which bucket and object, and why it failed
         * @param operation what was asked, such as {@code get object}
         * @param bucket    the bucket, or null for a request about the account
         * @param key       the object key, or null for a request about the bucket or the account
         * @param status    401 or 403
         * @param codes     Cloudflare's error codes from the answer, in order (copied)
         * @param cause     the shared client's exception, or null
         */
        public Unauthorized(String message, String operation, String bucket, String key, int status, List<Integer> codes,
                            Throwable cause) {
            super(message, operation, bucket, key, status, codes, cause);
        }
    }

    /** Cloudflare kept answering 429 (rate limited) through every retry, or asked to wait too long. */
    public static final class RateLimited extends R2Exception {
        /**
         * Rate limiting that outlasted the retries; made by the store, not by its users. The status is 429.
         *
         * @param message   the message: what was asked, of which bucket and object, and why it failed
         * @param operation what was asked, such as {@code get object}
         * @param bucket    the bucket, or null for a request about the account
         * @param key       the object key, or null for a request about the bucket or the account
         * @param codes     Cloudflare's error codes from the answer, in order (copied)
         * @param cause     the shared client's exception, or null
         */
        public RateLimited(String message, String operation, String bucket, String key, List<Integer> codes,
                           Throwable cause) {
            super(message, operation, bucket, key, 429, codes, cause);
        }
    }
}
