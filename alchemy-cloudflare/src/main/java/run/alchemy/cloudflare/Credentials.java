package run.alchemy.cloudflare;

import okhttp3.Request;

/**
 * How requests authenticate to Cloudflare's API: an API token ({@code Authorization: Bearer}) or a
 * global API key with its account's e-mail ({@code X-Auth-Key}, {@code X-Auth-Email}). The secret
 * is only ever a header value: {@code toString()} and {@link #describe} name where it came from, never
 * what it is.
 */
public sealed interface Credentials {

    /**
     * Adds the credentials' headers to a request.
     *
     * @param request the request to sign; its headers of the same names are replaced
     */
    void sign(Request.Builder request);

    /**
     * What the credentials are, for messages.
     *
     * @return their kind and origin ({@code the API token from CLOUDFLARE_API_TOKEN}), never their value
     */
    String describe();

    /**
     * Text that came back from a server, with the secret taken out: an error message may echo the
     * request, its headers among them (a proxy's error page, a debugging gateway), and such text ends
     * up in exceptions and on the terminal.
     *
     * @param text a server's text, such as the messages of an error envelope
     * @return {@code text} with every occurrence of the secret replaced by {@code …}
     */
    String redact(String text);

    /** {@code text} with each occurrence of {@code secret} (when there is one) replaced by {@code …}. */
    private static String without(String text, String secret) {
        return secret == null || secret.isEmpty() || text == null ? text : text.replace(secret, "…");
    }

    /**
     * An API token, sent as {@code Authorization: Bearer <token>}.
     *
     * @param token  the token
     * @param origin where it came from, for messages: {@code the store's options}, an environment variable's name
     * @return the credentials
     */
    static Credentials token(String token, String origin) {
        return new Token(token, origin);
    }

    /**
     * A global API key and its account's e-mail, sent as {@code X-Auth-Key} and {@code X-Auth-Email}.
     *
     * @param key    the global API key
     * @param email  the e-mail of the account the key belongs to
     * @param origin where the key came from, for messages
     * @return the credentials
     */
    static Credentials apiKey(String key, String email, String origin) {
        return new ApiKey(key, email, origin);
    }

    /**
     * An API token; made by {@link Credentials#token}.
     *
     * @param token  the token, sent as {@code Authorization: Bearer}
     * @param origin where it came from, for messages
     */
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
        public String redact(String text) {
            return without(text, token);
        }

        @Override
        public String toString() {
            return "Credentials[" + describe() + "]";
        }
    }

    /**
     * A global API key with its account's e-mail; made by {@link Credentials#apiKey}.
     *
     * @param key    the global API key, sent as {@code X-Auth-Key}
     * @param email  the account's e-mail, sent as {@code X-Auth-Email}
     * @param origin where the key came from, for messages
     */
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
        public String redact(String text) {
            return without(text, key);
        }

        @Override
        public String toString() {
            return "Credentials[" + describe() + "]";
        }
    }
}
