package run.alchemy.store.r2.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.store.r2.R2StateStore;
import run.alchemy.store.r2.R2StoreBuilder;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
            throw new ConfigurationException("R2 store URI " + uri + " names no bucket: use r2://BUCKET[/PREFIX][?account=ID]");
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
        query(uri).forEach((name, value) -> {
            switch (name) {
                case "account" -> b.account(value);
                case "log" -> b.logMode(switch (value) {
                    case "s3" -> R2StateStore.LogMode.S3;
                    case "rest" -> R2StateStore.LogMode.REST;
                    case "none" -> R2StateStore.LogMode.NONE;
                    default -> throw new ConfigurationException("option log=" + value + " in R2 store URI " + uri
                            + ": use log=s3 (the default when R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY are set),"
                            + " log=rest (the default otherwise) or log=none");
                });
                case "s3Endpoint" -> b.s3Endpoint(URI.create(value));
                case "cache" -> b.readCache("none".equals(value) ? null : java.nio.file.Path.of(value));
                case "createBucket" -> b.createBucket(Boolean.parseBoolean(value));
                case "maxConcurrency" -> b.maxConcurrency(number(uri, name, value));
                case "maxAttempts" -> b.maxAttempts(number(uri, name, value));
                case "timeout" -> b.timeout(Duration.ofMillis(number(uri, name, value)));
                default -> throw new ConfigurationException("unknown option \"" + name + "\" in R2 store URI " + uri
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
        throw new ConfigurationException("option " + name + "=" + value + " in R2 store URI " + uri
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
                throw new ConfigurationException("malformed option \"" + pair + "\" in R2 store URI " + uri);
            }
            out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
