package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.spi.StateStore;
import run.alchemy.store.s3.S3StateStore;
import run.alchemy.store.s3.testkit.LocalS3;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret, password or S3 secret access key leaks on the S3 store (issue #17), against a real S3
 * API server in this process (S3Proxy): the commands and failure paths of {@link LeakScenario}, then
 * a wrong secret access key (S3 refuses the signature: 403) and a server answering 503 to everything
 * with the request's headers echoed in its body; then every object of the bucket, read through the
 * S3 client, and every log line swept. The command runs in this JVM, so its credentials come from
 * the SDK's system properties (the environment cannot be set in-process); they are cleared after.
 */
class S3LeakSweepTest {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();

    @TempDir
    Path dir;

    @Test
    void noCanaryInAnyObjectOutputLogOrValue() throws Exception {
        String bucket = s3.newBucket();
        String uri = s3.uri(bucket, "teams/");
        LeakScenario s = new LeakScenario((env, args) -> Cli.run(env, args), uri, dir, Map.of());
        String badKey = LeakSweep.fresh("bad-s3-key");
        s.sweep.watch("S3 secret key", s3.secretKey()).watch("bad S3 secret key", badKey);
        s.sweep.assertDetects(dir.resolve("scratch"));
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        try (AutoCloseable logs = s.sweep.logs()) {
            s.core();
            s.repairs();
            s.failures((id, bytes) -> s3.client().putObject(b -> b.bucket(bucket).key("teams/" + LeakScenario.APP + "/"
                    + LeakScenario.STAGE + "/" + id), RequestBody.fromBytes(bytes)));

            System.setProperty("aws.secretAccessKey", badKey);
            s.fails(s.target("state", "list", "--verbose"));
            s.fails("deploy", "-f", s.stack(6), "--store", uri, "--verbose");
            System.setProperty("aws.secretAccessKey", s3.secretKey());

            try (EchoingServer faults = new EchoingServer(503)) {
                String faulty = "s3://" + bucket + "/teams/?region=" + LocalS3.REGION + "&endpoint=" + faults.url()
                        + "&pathStyle=true&maxAttempts=1";
                s.fails(LeakScenario.on(faulty, "state", "list", "--verbose"));
                s.fails("deploy", "-f", s.stack(7), "--store", faulty, "--verbose");
                assertTrue(faults.requests() > 0, "the faults were met");
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o ->
                s.sweep.bytes("s3://" + bucket + "/" + o.key(), s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                        .asByteArray()));
        try (StateStore store = S3StateStore.builder().bucket(bucket).prefix("teams/").region(LocalS3.REGION)
                .endpoint(s3.endpoint()).pathStyle(true).credentials(s3.credentials()).build()) {
            s.sweep.value("S3StateStore", store);
        }
        s.sweep.value("S3StateStore.Builder", S3StateStore.builder().credentials(s3.credentials()));
        s.sweep.tree(dir);
        s.sweep.assertClean(10);
        System.out.println("S3 leak sweep: " + s.commands() + " commands; " + s.sweep.summary());
    }
}
