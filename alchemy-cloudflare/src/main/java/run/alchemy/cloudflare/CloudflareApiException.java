package run.alchemy.cloudflare;

import run.alchemy.api.StoreException;

import java.util.List;

/**
 * Cloudflare's API refused a request, or gave no usable answer: what was asked ({@link #operation}),
 * the HTTP status (0 when no answer came) and Cloudflare's error codes. Messages name the
 * credentials by kind and origin, never by value, and never repeat a request's body (an upload's
 * metadata may carry a secret).
 */
public class CloudflareApiException extends StoreException {
    /** What was asked; see {@link #operation()}. */
    private final String operation;
    /** The HTTP status, 0 when no answer came; see {@link #status()}. */
    private final int status;
    /** Cloudflare's error codes, in order; see {@link #codes()}. */
    private final List<Integer> codes;

    CloudflareApiException(String message, String operation, int status, List<Integer> codes, Throwable cause) {
        super(message, cause);
        this.operation = operation;
        this.status = status;
        this.codes = List.copyOf(codes);
    }

    /**
     * What was asked, with what it was about.
     *
     * @return the operation as {@link CloudflareApi.Op#describe()} gives it: {@code get object "k" in bucket "b"},
     *         {@code upload worker "w"}, …
     */
    public String operation() {
        return operation;
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
     * @return the codes in order, unmodifiable; empty when the answer had none or was no envelope
     */
    public List<Integer> codes() {
        return codes;
    }

    /** The credentials were refused (401, or 403 twice): they are wrong, or lack a permission on this account. */
    public static final class Unauthorized extends CloudflareApiException {
        Unauthorized(String message, String operation, int status, List<Integer> codes) {
            super(message, operation, status, codes, null);
        }
    }

    /** Cloudflare kept answering 429 (rate limited) through every retry, or asked to wait too long. */
    public static final class RateLimited extends CloudflareApiException {
        RateLimited(String message, String operation, List<Integer> codes) {
            super(message, operation, 429, codes, null);
        }
    }
}
