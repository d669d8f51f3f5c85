package run.alchemy.store.durable.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.api.spi.StoreUriOptions;
import run.alchemy.store.durable.DurableObjectStateStore;
import run.alchemy.store.durable.DurableObjectStoreBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * {@code do+https://HOST[:PORT][/…]?token-env=NAME&prefix=…&access-id-env=…&access-secret-env=…&maxConcurrency=…&maxAttempts=…&timeout=…}
 * for a deployed worker, {@code do+http://127.0.0.1:PORT} for one on loopback, and
 * {@code do://WORKER[?account=ID&force=true&…]} to provision our worker through the Cloudflare API
 * (credentials from the environment, see {@link DurableObjectStoreBuilder}). The token comes from
 * the environment variable {@code ALCHEMY_STATE_TOKEN} or the one {@code token-env} names, never
 * from the URI itself (URIs end up in shell history and logs). Likewise a Cloudflare Access
 * service token: {@code access-id-env} and {@code access-secret-env} name its variables.
 */
public abstract class DoStoreProvider implements StateStoreProvider {
    static final String DEFAULT_TOKEN_ENV = "ALCHEMY_STATE_TOKEN";
    private static final Set<String> OPTIONS = Set.of("token-env", "prefix", "access-id-env", "access-secret-env",
            "maxConcurrency", "maxAttempts", "timeout");
    private static final Set<String> PROVISIONING_OPTIONS = Set.of("account", "force");

    private final String scheme;
    private final UnaryOperator<String> env;

    DoStoreProvider(String scheme, UnaryOperator<String> env) {
        this.scheme = scheme;
        this.env = env;
    }

    /**
     * The builder for the URI's worker: by default its URL, {@code do+http(s)://…} read as
     * {@code http(s)://…}; {@code do://} provisions the worker instead.
     */
    DurableObjectStoreBuilder start(URI uri, String host) {
        return byUrl(uri, scheme.substring("do+".length()));
    }

    /** The options this scheme knows beyond the common ones. */
    Set<String> extraOptions() {
        return Set.of();
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

    /**
     * {@code do://WORKER?account=ID&force=true}: provisions our worker under that name through the
     * Cloudflare API, with the credentials, account and base URL of the environment.
     */
    public static final class Provisioned extends DoStoreProvider {
        private final Map<String, String> environment;

        public Provisioned() {
            this(System.getenv());
        }

        Provisioned(Map<String, String> environment) {
            super("do", environment::get);
            this.environment = Map.copyOf(environment);
        }

        @Override
        DurableObjectStoreBuilder start(URI uri, String host) {
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (uri.getPort() != -1 || !(path.isEmpty() || path.equals("/"))) {
                throw new ConfigurationException("state store URI " + shown(uri) + ": do://WORKER names a worker to provision,"
                        + " with no port or path; for a deployed worker's URL use do+https://HOST");
            }
            return DurableObjectStateStore.builder().provision(host).environment(environment);
        }

        @Override
        Set<String> extraOptions() {
            return PROVISIONING_OPTIONS;
        }
    }

    private static DurableObjectStoreBuilder byUrl(URI uri, String http) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return DurableObjectStateStore.builder().url(http + "://" + uri.getRawAuthority() + path);
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public StateStore open(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ConfigurationException("state store URI " + shown(uri) + " names no host: use " + scheme
                    + "://HOST[:PORT]");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigurationException("state store URI " + scheme + "://…@" + host + " carries credentials;"
                    + " give the token through ALCHEMY_STATE_TOKEN or token-env=NAME instead");
        }
        StoreUriOptions options = StoreUriOptions.of(uri, "state store URI");
        Map<String, String> query = options.asMap();
        String tokenEnv = query.getOrDefault("token-env", DEFAULT_TOKEN_ENV);
        String token = env.apply(tokenEnv);
        StoreOptions.checkToken(token, "the environment variable " + tokenEnv);
        DurableObjectStoreBuilder b = start(uri, host).token(token);
        String idEnv = query.get("access-id-env");
        String secretEnv = query.get("access-secret-env");
        if ((idEnv == null) != (secretEnv == null)) {
            throw new ConfigurationException("state store URI " + shown(uri) + ": access-id-env and access-secret-env go"
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
                case "maxConcurrency" -> b.maxConcurrency(options.positive(name, value));
                case "maxAttempts" -> b.maxAttempts(options.positive(name, value));
                case "timeout" -> b.timeout(Duration.ofMillis(options.positive(name, value)));
                case "account" -> b.account(known(uri, name, value));
                case "force" -> b.force(switch (known(uri, name, value)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new ConfigurationException("option force=" + value + " in state store URI " + shown(uri)
                            + ": use force=true or force=false");
                });
                default -> throw unknown(uri, name);
            }
        });
        return b.build();
    }

    /** The value of a provisioning option, which only {@code do://} knows. */
    private String known(URI uri, String name, String value) {
        if (!extraOptions().contains(name)) {
            throw unknown(uri, name);
        }
        return value;
    }

    private ConfigurationException unknown(URI uri, String name) {
        Set<String> known = new TreeSet<>(OPTIONS);
        known.addAll(extraOptions());
        return new ConfigurationException("unknown option \"" + name + "\" in state store URI " + shown(uri) + "; known: "
                + String.join(", ", known) + (PROVISIONING_OPTIONS.contains(name) ? " (" + name + " is an option of"
                + " do://WORKER, which provisions the worker)" : ""));
    }

    private String required(String name, URI uri) {
        String value = env.apply(name);
        if (value == null || value.isEmpty()) {
            throw new ConfigurationException("state store URI " + shown(uri) + " names the environment variable " + name
                    + ", which is not set");
        }
        return value;
    }

    /** The URI as messages may show it: a credential pasted into it by mistake stays out of them. */
    private static String shown(URI uri) {
        return StoreUriOptions.describe(uri);
    }
}
