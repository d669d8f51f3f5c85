package run.alchemy.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.store.s3.testkit.LocalS3;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code state rm}, {@code mv} and {@code restore} on the S3 store, against a real S3 API server in this process:
 * every object of the bucket is compared by its ETag, size and time. Credentials come from the SDK's default chain
 * (system properties here, as the environment cannot be set in-process).
 */
class S3StateRepairCommandTest extends StateRepairContract {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();

    private String bucket;

    @Override
    String newStore() {
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        bucket = s3.newBucket();
        return s3.uri(bucket, "teams/");
    }

    @AfterEach
    void clearCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Override
    Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                .forEach(o -> out.put(o.key(), o.eTag() + " " + o.size() + " " + o.lastModified()));
        return out;
    }

    @Override
    void dropLog() {
        s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("teams/.alchemy-java/")).contents()
                .forEach(o -> s3.client().deleteObject(b -> b.bucket(bucket).key(o.key())));
        Map<String, String> left = snapshot();
        left.keySet().forEach(k -> org.junit.jupiter.api.Assertions.assertFalse(k.contains(".alchemy-java"), k));
        org.junit.jupiter.api.Assertions.assertFalse(left.isEmpty(), "the records stay");
    }
}
