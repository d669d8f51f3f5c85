package run.alchemy.store.s3.testkit;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * A real S3 API server in this process: S3Proxy 4.0.0 (whose {@code If-None-Match: *} is atomic)
 * on 127.0.0.1, backed by its in-memory {@code transient-nio2} blob store or by a directory
 * ({@code filesystem-nio2}), with signature-v4 authentication and its own random credentials.
 * Published as alchemy-store-s3-testkit (to add with test scope), for the S3 and R2 stores' tests,
 * the CLI and interop tests, and a user's own tests of anything that speaks S3.
 *
 * <p>It knows nothing of alchemy-store-s3 (whose own tests use it): a store on it is
 * {@code S3StateStore.builder().bucket(b).endpoint(s3.endpoint()).pathStyle(true)
 * .region(LocalS3.REGION).credentials(s3.credentials())}, or by URI {@link #uri(String, String)}.
 */
public final class LocalS3 implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    /** The region the server's {@link #client} and {@link #uri} sign for. */
    public static final String REGION = "us-east-1";

    private final String blobStore;
    private final Path directory;
    private final String accessKey = "local-" + UUID.randomUUID().toString().substring(0, 8);
    private final String secretKey = UUID.randomUUID().toString();
    private volatile S3Proxy proxy;
    private volatile URI endpoint;
    private volatile S3Client client;

    private LocalS3(String blobStore, Path directory) {
        this.blobStore = blobStore;
        this.directory = directory;
    }

    /**
     * An in-memory server, started now on a free port of 127.0.0.1.
     *
     * @return the running server, to close when done
     * @throws IllegalStateException if S3Proxy has not started after about 10 s
     * @throws Exception             what S3Proxy throws when it cannot start
     */
    public static LocalS3 start() throws Exception {
        LocalS3 s3 = new LocalS3("transient-nio2", null);
        s3.run();
        return s3;
    }

    /**
     * A server keeping its buckets as directories under {@code directory}, started now; what it
     * stores stays there when it is closed.
     *
     * @param directory where the buckets go, one directory each (each object a file in it)
     * @return the running server, to close when done
     * @throws IllegalStateException if S3Proxy has not started after about 10 s
     * @throws Exception             what S3Proxy throws when it cannot start
     */
    public static LocalS3 startOn(Path directory) throws Exception {
        LocalS3 s3 = new LocalS3("filesystem-nio2", directory);
        s3.run();
        return s3;
    }

    /**
     * An in-memory server for a test class, started before its tests and stopped after them:
     * {@code @RegisterExtension static final LocalS3 s3 = LocalS3.perClass();}
     *
     * @return the server, not started yet: its endpoint and client are null until {@link #beforeAll}
     */
    public static LocalS3 perClass() {
        return new LocalS3("transient-nio2", null);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        run();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    private void run() throws Exception {
        Properties props = new Properties();
        props.setProperty("jclouds.identity", accessKey);
        props.setProperty("jclouds.credential", secretKey);
        if (directory != null) {
            props.setProperty("jclouds.filesystem.basedir", directory.toString());
        }
        proxy = S3Proxy.builder()
                .blobStore(new NestedKeysBlobStore(BlobStores.create(blobStore, props)))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        for (int polls = 0; !"STARTED".equals(proxy.getState()); polls++) {
            if (polls == 1000) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        client = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.of(REGION))
                .credentialsProvider(credentials()).build();
    }

    /**
     * Where the server listens.
     *
     * @return {@code http://127.0.0.1:PORT}; null before it is started
     */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * The port the server listens on, on 127.0.0.1.
     *
     * @return the port, chosen when it started
     */
    public int port() {
        return proxy.getPort();
    }

    /**
     * The access key id the server accepts, random per server (such as for {@code AWS_ACCESS_KEY_ID}).
     *
     * @return the access key id
     */
    public String accessKey() {
        return accessKey;
    }

    /**
     * The secret access key the server accepts, random per server (such as for {@code AWS_SECRET_ACCESS_KEY}).
     *
     * @return the secret access key
     */
    public String secretKey() {
        return secretKey;
    }

    /**
     * The server's credentials for an SDK client or {@code S3StateStore.Builder.credentials}.
     *
     * @return the access key id and secret as a credentials provider
     */
    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /**
     * A client of this server (path-style, its credentials, region {@value #REGION}), closed with it.
     *
     * @return the client; null before the server is started
     */
    public S3Client client() {
        return client;
    }

    /**
     * Creates a bucket with a fresh name.
     *
     * @return the bucket's name, {@code b-} and 18 random characters
     */
    public String newBucket() {
        String bucket = "b-" + UUID.randomUUID().toString().substring(0, 18);
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /**
     * The store's URI form, as {@code StateStores.open} takes it. It carries no credentials: the
     * process that opens it needs {@link #accessKey} and {@link #secretKey} in its environment
     * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}).
     *
     * @param bucket the bucket, such as one from {@link #newBucket}
     * @param prefix the key prefix, put verbatim after {@code bucket/}; null for none (the store's default)
     * @return {@code s3://BUCKET/PREFIX?region=…&endpoint=…&pathStyle=true}
     */
    public String uri(String bucket, String prefix) {
        return "s3://" + bucket + "/" + (prefix == null ? "" : prefix) + "?region=" + REGION + "&endpoint=" + endpoint
                + "&pathStyle=true";
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            client.close();
            proxy.stop();
            proxy = null;
        }
    }
}
