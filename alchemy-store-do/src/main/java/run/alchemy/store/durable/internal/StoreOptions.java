package run.alchemy.store.durable.internal;

import okhttp3.HttpUrl;
import run.alchemy.api.ConfigurationException;

import java.time.Duration;
import java.util.Set;

/** The store's options, checked. */
public record StoreOptions(RpcClient.Settings settings, String prefix, int maxConcurrency, int pageSize) {
    static final int MIN_TOKEN_LENGTH = 32;
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    /** Checks the options the public builder collected. */
    public static StoreOptions of(String url, String token, String prefix, String accessClientId, String accessClientSecret,
                                  int maxConcurrency, int maxAttempts, int pageSize, Duration timeout, Duration retryBase,
                                  Duration retryCap) {
        if (url == null) {
            throw new ConfigurationException("the Durable Object store needs the worker's URL");
        }
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            throw new ConfigurationException("the Durable Object store's worker URL \"" + url
                    + "\" is not an http(s) URL");
        }
        if (!parsed.isHttps() && !LOOPBACK.contains(parsed.host())) {
            throw new ConfigurationException("the Durable Object store's worker URL " + parsed.scheme() + "://"
                    + parsed.host() + " is plain http on another host: the token would cross the network"
                    + " unencrypted; use https (http is accepted on 127.0.0.1, localhost and ::1 only)");
        }
        checkToken(token, "the token");
        if (prefix.isEmpty() || prefix.contains(":")) {
            throw new ConfigurationException("the Durable Object store's prefix \"" + prefix
                    + "\" must be non-empty and contain no \":\"");
        }
        return new StoreOptions(new RpcClient.Settings(parsed, token, accessClientId, accessClientSecret, maxAttempts,
                timeout, retryBase, retryCap), prefix, maxConcurrency, pageSize);
    }

    public static int positive(String name, int n) {
        if (n < 1) {
            throw new ConfigurationException(name + " must be at least 1, not " + n);
        }
        return n;
    }

    public static Duration requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigurationException(name + " must be a positive duration, not " + d);
        }
        return d;
    }

    /** Refuses a missing or short token, saying how long it was, never what it is. */
    public static void checkToken(String token, String what) {
        if (token == null || token.isEmpty()) {
            throw new ConfigurationException("the Durable Object store has no token: set " + what
                    + " (by default the environment variable ALCHEMY_STATE_TOKEN) to the worker's token");
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigurationException(what + " of the Durable Object store is " + token.length()
                    + " characters long; it must have at least " + MIN_TOKEN_LENGTH + ", since it is all that guards"
                    + " the state: generate a random one, e.g. `openssl rand -base64 32`, and give the same to the worker");
        }
    }
}
