package run.alchemy.store.s3.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.api.spi.StoreUriOptions;
import run.alchemy.store.s3.S3StateStore;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code s3://bucket[/prefix]?region=…&endpoint=…&pathStyle=true&profile=…&maxConcurrency=…&maxAttempts=…&timeout=…}.
 * The prefix is used verbatim, as Alchemy's {@code prefix} option is (no separator is added);
 * without one, records live under {@code alchemy/}.
 */
public final class S3StoreProvider implements StateStoreProvider {
    private static final Set<String> OPTIONS =
            Set.of("region", "endpoint", "pathStyle", "profile", "maxConcurrency", "maxAttempts", "timeout");

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public StateStore open(URI uri) {
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new ConfigurationException("S3 store URI " + StoreUriOptions.describe(uri)
                    + " names no bucket: use s3://BUCKET[/PREFIX][?region=…]");
        }
        if (uri.getRawUserInfo() != null) {
            // refused, as the R2 and Durable Object stores refuse it, rather than ignored: keys in a URI end up
            // in shell history and logs, and the ones that would be used instead are not the ones given
            throw new ConfigurationException("S3 store URI s3://…@" + bucket + " carries credentials: give them as"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile with profile=NAME, instead");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        StoreUriOptions options = StoreUriOptions.of(uri, "S3 store URI");
        Map<String, String> query = options.asMap();
        S3StateStore.Builder b = S3StateStore.builder().bucket(bucket);
        if (path.length() > 1) {
            b.prefix(path.substring(1));
        }
        query.forEach((name, value) -> {
            switch (name) {
                case "region" -> b.region(value);
                case "endpoint" -> b.endpoint(options.uri(name, value));
                case "pathStyle" -> b.pathStyle(options.flag(name, value));
                case "profile" -> b.profile(value);
                case "maxConcurrency" -> b.maxConcurrency(options.positive(name, value));
                case "maxAttempts" -> b.maxAttempts(options.positive(name, value));
                case "timeout" -> b.timeout(Duration.ofMillis(options.positive(name, value)));
                default -> throw new ConfigurationException("unknown option \"" + name + "\" in S3 store URI "
                        + StoreUriOptions.describe(uri) + "; known: " + String.join(", ", OPTIONS.stream().sorted().toList()));
            }
        });
        return b.build();
    }
}
