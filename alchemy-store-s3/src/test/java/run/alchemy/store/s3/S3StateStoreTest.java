package run.alchemy.store.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.StateStore;
import run.alchemy.store.s3.testkit.LocalS3;
import run.alchemy.testkit.StateStoreContract;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.store.s3.LocalStores.store;

/** The store conformance suite, unchanged, against a real S3 API server (S3Proxy, in-process). */
class S3StateStoreTest extends StateStoreContract {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();
    private String bucket;

    @Override
    protected StateStore newStore() {
        bucket = s3.newBucket();
        return store(s3, bucket).build();
    }

    private Set<String> keys() {
        return s3.client().listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(o -> o.key())
                .collect(Collectors.toSet());
    }

    @Test
    void theListingCarriesEachRecordsETagAsItsVersion() {
        store.put(STAGE, "a", json("{}"));
        String etag = s3.client().headObject(b -> b.bucket(bucket).key("alchemy/app/dev/a")).eTag();
        assertEquals(java.util.Map.of("a", etag), store.contents(STAGE).versions());
    }

    @Test
    void keysAreAlchemysDefaultLayout() {
        store.put(List.of("my-app"), "dev", json("{}"));
        store.put(List.of("my-app", "dev"), "api/v1/route", json("{\"a\": 1}"));
        store.put(List.of("my-app", "dev", "parent"), "child", json("{}"));
        assertEquals(Set.of("alchemy/my-app/dev", "alchemy/my-app/dev/api:v1:route", "alchemy/my-app/dev/parent/child"),
                keys());
        var head = s3.client().headObject(b -> b.bucket(bucket).key("alchemy/my-app/dev/api:v1:route"));
        assertEquals("application/json", head.contentType());
        assertEquals("{\"a\": 1}", s3.client().getObjectAsBytes(b -> b.bucket(bucket).key("alchemy/my-app/dev/api:v1:route"))
                .asString(StandardCharsets.UTF_8));
    }

    @Test
    void aPrefixIsUsedVerbatimWithoutASeparator() {
        try (StateStore prefixed = store(s3, bucket).prefix("x").build()) {
            prefixed.put(List.of("my-app", "dev"), "r", json("{}"));
            assertEquals(Set.of("xmy-app/dev/r"), keys());
            assertEquals(List.of("r"), prefixed.list(List.of("my-app", "dev")));
            assertEquals("s3://" + bucket + "/xmy-app/dev/r", prefixed.locate(List.of("my-app", "dev"), "r"));
        }
    }

    @Test
    void theEventLogLivesWhereAlchemyNeverLists() {
        store.logStore("my-app", "dev").orElseThrow().append(0, List.of(json("{\"e\":1}")));
        store.put(List.of("my-app", "dev"), "r", json("{}"));
        Set<String> keys = keys();
        assertTrue(keys.stream().filter(k -> !k.equals("alchemy/my-app/dev/r"))
                .allMatch(k -> k.startsWith("alchemy/.alchemy-java/my-app/dev/")), keys.toString());
        // Alchemy lists the app scope without a delimiter: nothing of the log may show up there.
        assertEquals(List.of("alchemy/my-app/dev/r"), s3.client().listObjectsV2(b -> b.bucket(bucket).prefix("alchemy/my-app/"))
                .contents().stream().map(o -> o.key()).toList());
    }
}
