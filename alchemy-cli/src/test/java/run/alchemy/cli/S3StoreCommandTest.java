package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.store.s3.testkit.LocalS3;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command on the S3 store (found by ServiceLoader from {@code --store s3://…}) against a real
 * S3 API server in this process, credentials from the SDK's default chain (system properties here,
 * as the environment cannot be set in-process).
 */
class S3StoreCommandTest {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();

    @TempDir
    Path dir;

    @Test
    void deployToS3ThenReadItsStateAndHistory() {
        String bucket = s3.newBucket();
        String store = s3.uri(bucket, "teams/");
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        try {
            Path stack = dir.resolve("stack.json");
            Cli.write(stack, "{\"app\": \"web\", \"stage\": \"prod\", \"resources\": ["
                    + "{\"id\": \"config\", \"kind\": \"alchemy::Value\", \"props\": {\"replicas\": 3}},"
                    + "{\"id\": \"api/key\", \"kind\": \"alchemy::Value\", \"props\": {\"key\": {\"@secretEnv\": \"API_KEY\"}}}]}");
            Cli cli = new Cli().env("ALCHEMY_PASSWORD", "pw").env("API_KEY", "k-123");
            Cli.Result first = cli.run("deploy", "-f", stack.toString(), "--store", store);
            assertEquals(0, first.code(), first.toString());
            assertTrue(first.out().contains("[created]  web/prod/config"), first.out());
            Cli.Result again = cli.run("deploy", "-f", stack.toString(), "--store", store);
            assertTrue(again.out().contains("[skipped]  web/prod/config"), again.out());

            assertTrue(s3.client().headObject(b -> b.bucket(bucket).key("teams/web/prod/api:key")).contentLength() > 0);
            Cli.Result list = cli.run("state", "list", "--store", store, "--app", "web", "--stage", "prod");
            assertEquals(0, list.code(), list.toString());
            assertTrue(list.out().contains("api/key") && list.out().contains("config"), list.out());
            Cli.Result runs = cli.run("state", "runs", "--store", store, "--app", "web", "--stage", "prod", "--json");
            assertEquals(1, runs.json().size(), "the no-op redeploy appended no run: " + runs.out());
            Cli.Result verify = cli.run("state", "verify", "--store", store, "--app", "web", "--stage", "prod");
            assertEquals(0, verify.code(), verify.toString());
            assertTrue(!list.out().contains("k-123") && !runs.out().contains("k-123"), "the secret never shows");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
