package run.alchemy.fuzz;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.StateStores;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A store URI as a user types it ({@code --store}, {@code ALCHEMY_STORE}): printed for messages
 * ({@link StateStores#describe}, which must never fail) and opened by the provider its scheme
 * picks, which either opens a store or refuses with a typed error naming the URI. The first byte
 * picks the scheme, so that the fuzzer spends its time on what follows it. Opening makes no
 * request: only schemes whose stores connect lazily are here ({@code do://} and {@code r2://}
 * would look for Cloudflare credentials, and find none here).
 */
public final class StoreUriTarget {
    private static final List<String> SCHEMES = List.of("fs:", "fs://", "s3://", "do+http://", "do+https://", "r2://");
    /** What the error names when it is about the store's credentials (from the environment), not the URI. */
    private static final Map<String, String> STORES = Map.of("fs", "file-system store", "s3", "S3 store",
            "do+http", "Durable Object store", "do+https", "Durable Object store", "r2", "R2 store");

    static {
        // Without a region the S3 client asks the EC2 metadata service for one as it is built: a
        // request the fuzzer (rightly) reports, and a wait off EC2. Users set AWS_REGION or ?region=.
        if (System.getProperty("aws.region") == null) {
            System.setProperty("aws.region", "us-east-1");
        }
    }

    private StoreUriTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(StoreUriTarget::fuzzerTestOneInput, "StoreUriTarget");
    }

    /**
     * One input.
     *
     * @param data a scheme byte, then the rest of the URI in UTF-8
     */
    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        String scheme = SCHEMES.get((data[0] & 0xff) % SCHEMES.size());
        String uri = scheme + new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        String shown = StateStores.describe(uri);
        if (!shown.regionMatches(true, 0, scheme, 0, scheme.indexOf(':'))) {
            throw new IllegalStateException("describe(" + uri + ") = " + shown + " lost the scheme");
        }
        String name = scheme.substring(0, scheme.indexOf(':'));
        Rule.typed(uri, message -> message.contains(name) || message.contains(STORES.get(name)), AlchemyException.class, () -> {
            StateStore store = StateStores.open(uri);
            store.close();
        });
    }
}
