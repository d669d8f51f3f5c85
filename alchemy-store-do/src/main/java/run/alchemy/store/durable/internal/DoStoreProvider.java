package run.alchemy.store.durable.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.store.durable.DurableObjectStoreBuilder;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * {@code do+https://HOST[:PORT][/…]?token-env=NAME&prefix=…&access-id-env=…&access-secret-env=…&maxConcurrency=…&maxAttempts=…&timeout=…}
 * for a deployed worker, {@code do+http://127.0.0.1:PORT} for one on loopback; the token comes
 * from the environment variable {@code ALCHEMY_STATE_TOKEN} or the one {@code token-env} names,
 * never from the URI itself (URIs end up in shell history and logs). Likewise a Cloudflare Access
 * service token: {@code access-id-env} and {@code access-secret-env} name its variables.
 * {@code do://WORKER?account=ID} is reserved for provisioning.
 */
public abstract class DoStoreProvider implements StateStoreProvider {
    static final String DEFAULT_TOKEN_ENV = "ALCHEMY_STATE_TOKEN";
    private static final Set<String> OPTIONS = new TreeSet<>(Set.of("token-env", "prefix", "access-id-env",
            "access-secret-env", "maxConcurrency", "maxAttempts", "timeout"));

    private final String scheme;
    private final UnaryOperator<String> env;

    DoStoreProvider(String scheme, UnaryOperator<String> env) {
        this.scheme = scheme;
        this.env = env;
    }

    /** {@code do+https://HOST/…}: a worker deployed on Cloudflare (or anywhere behind TLS). */
    public static final class Https extends DoStoreProvider {
        public Https() {
            this(System::getenv);
        }

        Https(UnaryOperator<String> env) {
            super("do+https", env);
        }
    }

    /** {@code do+http://127.0.0.1:PORT}: a worker on this machine (run-local.mjs, wrangler dev). */
    public static final class Http extends DoStoreProvider {
        public Http() {
            this(System::getenv);
        }

        Http(UnaryOperator<String> env) {
            super("do+http", env);
        }
    }

    /** {@code do://WORKER?account=ID}: provisions the worker through the Cloudflare API (not yet). */
    public static final class Provisioned extends DoStoreProvider {
        public Provisioned() {
            super("do", System::getenv);
        }

        @Override
        public StateStore open(URI uri) {
            throw new ConfigurationException("state store URI " + uri + ": provisioning a Durable Object worker"
                    + " through the Cloudflare API is not available yet; deploy the worker of alchemy-store-do"
                    + " (worker/state-store.js) and use do+https://<worker host> with ALCHEMY_STATE_TOKEN");
        }
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public StateStore open(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ConfigurationException("state store URI " + uri + " names no host: use " + scheme
                    + "://HOST[:PORT]");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigurationException("state store URI " + scheme + "://…@" + host + " carries credentials;"
                    + " give the token through ALCHEMY_STATE_TOKEN or token-env=NAME instead");
        }
        String http = scheme.substring("do+".length());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String url = http + "://" + uri.getRawAuthority() + path;
        Map<String, String> query = query(uri);
        String tokenEnv = query.getOrDefault("token-env", DEFAULT_TOKEN_ENV);
        String token = env.apply(tokenEnv);
        StoreOptions.checkToken(token, "the environment variable " + tokenEnv);
        DurableObjectStoreBuilder b = run.alchemy.store.durable.DurableObjectStateStore.builder().url(url).token(token);
        String idEnv = query.get("access-id-env");
        String secretEnv = query.get("access-secret-env");
        if ((idEnv == null) != (secretEnv == null)) {
            throw new ConfigurationException("state store URI " + uri + ": access-id-env and access-secret-env go"
                    + " together (the Cloudflare Access service token's id and secret)");
        }
        if (idEnv != null) {
            b.accessServiceToken(required(idEnv, uri), required(secretEnv, uri));
        }
        query.forEach((name, value) -> {
            switch (name) {
                case "token-env", "access-id-env", "access-secret-env" -> {
                    // used above
                }
                case "prefix" -> b.prefix(value);
                case "maxConcurrency" -> b.maxConcurrency(number(uri, name, value));
                case "maxAttempts" -> b.maxAttempts(number(uri, name, value));
                case "timeout" -> b.timeout(Duration.ofMillis(number(uri, name, value)));
                default -> throw new ConfigurationException("unknown option \"" + name + "\" in state store URI "
                        + uri + "; known: " + String.join(", ", OPTIONS));
            }
        });
        return b.build();
    }

    private String required(String name, URI uri) {
        String value = env.apply(name);
        if (value == null || value.isEmpty()) {
            throw new ConfigurationException("state store URI " + uri + " names the environment variable " + name
                    + ", which is not set");
        }
        return value;
    }

    private static int number(URI uri, String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigurationException("option " + name + "=" + value + " in state store URI " + uri
                + " is not a positive whole number");
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException("malformed option \"" + pair + "\" in state store URI " + uri);
            }
            out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
