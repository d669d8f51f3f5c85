package run.alchemy.store.r2.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.api.spi.StoreUriOptions;
import run.alchemy.store.r2.R2StateStore;
import run.alchemy.store.r2.R2StoreBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * {@code r2://BUCKET[/PREFIX][?account=ID&log=s3|rest|none&s3Endpoint=URL&cache=DIR|none&createBucket=false&maxConcurrency=…&maxAttempts=…&timeout=MS]}.
 * The prefix is used verbatim, as Alchemy's {@code prefix} option is; without one, records live under
 * {@code alchemy/}. Credentials never go in the URI: they come from the environment (see
 * {@link R2StoreBuilder}), so a URI can be logged and shown.
 */
public final class R2StoreProvider implements StateStoreProvider {
    private static final Set<String> OPTIONS =
            Set.of("account", "log", "s3Endpoint", "cache", "createBucket", "maxConcurrency", "maxAttempts", "timeout");

    @Override
    public String scheme() {
        return "r2";
    }

    @Override
    public StateStore open(URI uri) {
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new ConfigurationException("R2 store URI " + shown(uri) + " names no bucket: use r2://BUCKET[/PREFIX][?account=ID]");
        }
        if (uri.getUserInfo() != null) {
            throw new ConfigurationException("R2 store URI r2://…@" + bucket + " carries credentials: give them as"
                    + " CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY and CLOUDFLARE_EMAIL) instead");
        }
        R2StoreBuilder b = R2StateStore.builder().bucket(bucket);
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.length() > 1) {
            b.prefix(path.substring(1));
        }
        StoreUriOptions options = StoreUriOptions.of(uri, "R2 store URI");
        options.asMap().forEach((name, value) -> {
            switch (name) {
                case "account" -> b.account(value);
                case "log" -> b.logMode(switch (value) {
                    case "s3" -> R2StateStore.LogMode.S3;
                    case "rest" -> R2StateStore.LogMode.REST;
                    case "none" -> R2StateStore.LogMode.NONE;
                    default -> throw new ConfigurationException("option log=" + value + " in R2 store URI " + shown(uri)
                            + ": use log=s3 (the default when R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY are set),"
                            + " log=rest (the default otherwise) or log=none");
                });
                case "s3Endpoint" -> b.s3Endpoint(options.uri(name, value));
                case "cache" -> b.readCache("none".equals(value) ? null : java.nio.file.Path.of(value));
                case "createBucket" -> b.createBucket(options.flag(name, value));
                case "maxConcurrency" -> b.maxConcurrency(options.positive(name, value));
                case "maxAttempts" -> b.maxAttempts(options.positive(name, value));
                case "timeout" -> b.timeout(Duration.ofMillis(options.positive(name, value)));
                default -> throw new ConfigurationException("unknown option \"" + name + "\" in R2 store URI " + shown(uri)
                        + "; known: " + String.join(", ", OPTIONS.stream().sorted().toList()));
            }
        });
        return b.build();
    }

    /** The URI as messages may show it: a credential pasted into it by mistake stays out of them. */
    private static String shown(URI uri) {
        return StoreUriOptions.describe(uri);
    }
}
