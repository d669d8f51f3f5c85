package run.alchemy.store.s3.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.store.s3.S3StateStore;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
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
            throw new ConfigurationException("S3 store URI " + uri + " names no bucket: use s3://BUCKET[/PREFIX][?region=…]");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        Map<String, String> query = query(uri);
        S3StateStore.Builder b = S3StateStore.builder().bucket(bucket);
        if (path.length() > 1) {
            b.prefix(path.substring(1));
        }
        query.forEach((name, value) -> {
            switch (name) {
                case "region" -> b.region(value);
                case "endpoint" -> b.endpoint(URI.create(value));
                case "pathStyle" -> b.pathStyle(Boolean.parseBoolean(value));
                case "profile" -> b.profile(value);
                case "maxConcurrency" -> b.maxConcurrency(number(uri, name, value));
                case "maxAttempts" -> b.maxAttempts(number(uri, name, value));
                case "timeout" -> b.timeout(Duration.ofMillis(number(uri, name, value)));
                default -> throw new ConfigurationException("unknown option \"" + name + "\" in S3 store URI " + uri
                        + "; known: " + String.join(", ", OPTIONS.stream().sorted().toList()));
            }
        });
        return b.build();
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
        throw new ConfigurationException("option " + name + "=" + value + " in S3 store URI " + uri
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
                throw new ConfigurationException("malformed option \"" + pair + "\" in S3 store URI " + uri);
            }
            out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
