package run.alchemy.store.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.StoreException;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.StateStores;
import run.alchemy.store.s3.testkit.LocalS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.store.s3.LocalStores.store;

/** What a user sees when the bucket, the credentials, the endpoint or the URI is wrong: a typed error saying which and what to do. */
class S3ErrorsTest {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();

    private static void deploy(S3StateStore.Builder store) {
        Alchemy.app("app").stage("dev").environment(Map.of()).stateStore(scope -> store.build())
                .run(a -> a.apply("r", Echo.props(), new Echo.Props("r", 1, null)));
    }

    @Test
    void aMissingBucketIsNamed() {
        StoreException e = assertThrows(StoreException.class, () -> deploy(store(s3, "no-such-bucket")));
        assertTrue(e.getMessage().contains("\"no-such-bucket\" does not exist") && e.getMessage().contains("create it"),
                e.getMessage());
    }

    @Test
    void wrongCredentialsAreAccessDeniedWithoutTheSecret() {
        String bucket = s3.newBucket();
        String wrongSecret = "wrong-secret-" + System.nanoTime();
        StoreException e = assertThrows(StoreException.class, () -> deploy(store(s3, bucket)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), wrongSecret)))));
        assertTrue(e.getMessage().startsWith("access denied"), e.getMessage());
        assertTrue(e.getMessage().contains("s3://" + bucket + "/"), e.getMessage());
        assertFalse(e.getMessage().contains(wrongSecret), "the secret key never appears");
        assertEquals(0, s3.client().listObjectsV2(b -> b.bucket(bucket)).keyCount(), "nothing was written");
    }

    @Test
    void anUnreachableEndpointFailsAfterBoundedRetries() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        StoreException e = assertThrows(StoreException.class,
                () -> deploy(store(s3, "bucket").endpoint(nowhere).maxAttempts(2).timeout(Duration.ofSeconds(2))));
        assertTrue(e.getMessage().startsWith("cannot reach S3 at " + nowhere), e.getMessage());
    }

    @Test
    void badUrisAreConfigurationErrors() {
        ConfigurationException unknown = assertThrows(ConfigurationException.class,
                () -> StateStores.open("s3://bucket/p?regoin=eu-west-1"));
        assertTrue(unknown.getMessage().contains("unknown option \"regoin\""), unknown.getMessage());
        ConfigurationException count = assertThrows(ConfigurationException.class,
                () -> StateStores.open("s3://bucket/p?region=eu-west-1&maxConcurrency=lots"));
        assertTrue(count.getMessage().contains("maxConcurrency=lots"), count.getMessage());
        ConfigurationException noBucket = assertThrows(ConfigurationException.class, () -> StateStores.open("s3:///p"));
        assertTrue(noBucket.getMessage().contains("names no bucket"), noBucket.getMessage());
        // found by fuzzing (alchemy-fuzz StoreUriTarget): an IllegalArgumentException from URI.create before
        ConfigurationException endpoint = assertThrows(ConfigurationException.class,
                () -> StateStores.open("s3://bucket/p?region=eu-west-1&endpoint=htt~://127.0.0.1:9000"));
        assertTrue(endpoint.getMessage().startsWith("option endpoint=") && endpoint.getMessage().contains("is not an absolute URI"),
                endpoint.getMessage());
        ConfigurationException relative = assertThrows(ConfigurationException.class,
                () -> StateStores.open("s3://bucket/p?region=eu-west-1&endpoint=localhost"));
        assertTrue(relative.getMessage().contains("not an absolute URI"), relative.getMessage());
        // found by fuzzing: the SDK's IllegalArgumentException ("region must not be blank") before
        ConfigurationException blank = assertThrows(ConfigurationException.class, () -> StateStores.open("s3://bucket/p?region="));
        assertTrue(blank.getMessage().startsWith("S3 store for bucket \"bucket\": region must not be blank"), blank.getMessage());
        // before, anything but "true" quietly meant false
        ConfigurationException flag = assertThrows(ConfigurationException.class,
                () -> StateStores.open("s3://bucket/p?region=eu-west-1&pathStyle=yes"));
        assertTrue(flag.getMessage().contains("use pathStyle=true or pathStyle=false"), flag.getMessage());
    }

    @Test
    void theUriPrefixAndOptionsReachTheStore() throws Exception {
        String bucket = s3.newBucket();
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        try (var store = StateStores.open(s3.uri(bucket, "a+b/") + "&maxConcurrency=4&maxAttempts=2&timeout=5000")) {
            store.put(List.of("app", "dev"), "x", new byte[] {'{', '}'});
            assertEquals(List.of("a+b/app/dev/x"), s3.client().listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                    .map(o -> o.key()).toList());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
