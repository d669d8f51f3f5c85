package run.alchemy.cloudflare;

import okhttp3.Request;

/**
 * How requests authenticate to Cloudflare's API: an API token ({@code Authorization: Bearer}) or a
 * global API key with its account's e-mail ({@code X-Auth-Key}, {@code X-Auth-Email}). The secret
 * is only ever a header value: {@code toString()} and {@link #describe} name where it came from, never
 * what it is.
 */
public sealed interface Credentials {

    /** Adds the credentials' headers to a request. */
    void sign(Request.Builder request);

    /** What the credentials are, for messages: their kind and origin, never their value. */
    String describe();

    /** An API token; {@code origin} says where it came from (an option, an environment variable). */
    static Credentials token(String token, String origin) {
        return new Token(token, origin);
    }

    /** A global API key and its e-mail. */
    static Credentials apiKey(String key, String email, String origin) {
        return new ApiKey(key, email, origin);
    }

    record Token(String token, String origin) implements Credentials {
        @Override
        public void sign(Request.Builder request) {
            request.header("Authorization", "Bearer " + token);
        }

        @Override
        public String describe() {
            return "the API token from " + origin;
        }

        @Override
        public String toString() {
            return "Credentials[" + describe() + "]";
        }
    }

    record ApiKey(String key, String email, String origin) implements Credentials {
        @Override
        public void sign(Request.Builder request) {
            request.header("X-Auth-Key", key).header("X-Auth-Email", email);
        }

        @Override
        public String describe() {
            return "the API key from " + origin + " with the e-mail " + email;
        }

        @Override
        public String toString() {
            return "Credentials[" + describe() + "]";
        }
    }
}
