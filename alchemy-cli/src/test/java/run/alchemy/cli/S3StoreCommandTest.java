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

    /** Every object of the bucket with its ETag, size and time: what a plan must leave as it is. */
    private static java.util.Map<String, String> objects(String bucket) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                .forEach(o -> out.put(o.key(), o.eTag() + " " + o.size() + " " + o.lastModified()));
        return out;
    }

    @Test
    void aPlanOnS3WritesNoObject() {
        String bucket = s3.newBucket();
        String store = s3.uri(bucket, "teams/");
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        try {
            Path v1 = dir.resolve("v1.json");
            Cli.write(v1, "{\"app\": \"web\", \"stage\": \"prod\", \"resources\": ["
                    + "{\"id\": \"config\", \"kind\": \"alchemy::Value\", \"props\": {\"replicas\": 3}},"
                    + "{\"id\": \"old\", \"kind\": \"alchemy::Value\", \"props\": {\"a\": 1}}]}");
            Path v2 = dir.resolve("v2.json");
            Cli.write(v2, "{\"app\": \"web\", \"stage\": \"prod\", \"resources\": ["
                    + "{\"id\": \"config\", \"kind\": \"alchemy::Value\", \"props\": {\"replicas\": 5}},"
                    + "{\"id\": \"new\", \"kind\": \"alchemy::Value\", \"props\": {\"b\": 2}}]}");
            Cli cli = new Cli().env("ALCHEMY_PASSWORD", "pw");
            assertEquals(0, cli.run("deploy", "-f", v1.toString(), "--store", store).code());
            java.util.Map<String, String> before = objects(bucket);

            Cli.Result plan = cli.run("deploy", "-f", v2.toString(), "--store", store, "--plan", "--json",
                    "--detailed-exitcode");
            assertEquals(2, plan.code(), plan.toString());
            assertEquals(java.util.List.of(1, 1, 1, 0), java.util.List.of(plan.json().get("create").asInt(),
                    plan.json().get("update").asInt(), plan.json().get("delete").asInt(), plan.json().get("skip").asInt()),
                    plan.out());
            assertEquals("[\"/props/replicas\"]", plan.json().at("/resources/0/changes").toString(), plan.out());
            assertEquals(before, objects(bucket), "no object was written, changed or deleted (no lock either)");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void theHistoryToolsWorkOnS3() throws Exception {
        String bucket = s3.newBucket();
        String store = s3.uri(bucket, "teams/");
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        try {
            Cli cli = new Cli().env("ALCHEMY_PASSWORD", "pw");
            Path stack = dir.resolve("s.json");
            for (int n = 1; n <= 2; n++) {
                Cli.write(stack, "{\"app\": \"web\", \"stage\": \"prod\", \"resources\": ["
                        + "{\"id\": \"config\", \"kind\": \"alchemy::Value\", \"props\": {\"replicas\": " + n + "}}]}");
                Cli.Result r = cli.run("deploy", "-f", stack.toString(), "--store", store, "--message", "roll " + n);
                assertEquals(0, r.code(), r.toString());
            }
            String[] target = {"--store", store, "--app", "web", "--stage", "prod"};
            Cli.Result patch = cli.run(concat(new String[] {"state", "history", "config", "--patch"}, target));
            assertEquals(0, patch.code(), patch.toString());
            assertTrue(patch.out().contains("/props/replicas: 1 → 2"), patch.out());
            Cli.Result runs = cli.run(concat(new String[] {"state", "runs", "--json"}, target));
            assertEquals("roll 2", runs.json().get(1).get("message").asText(), runs.out());
            Cli.Result diff = cli.run(concat(new String[] {"state", "diff", runs.json().get(1).get("id").asText(), "--json"}, target));
            assertTrue(diff.json().findValuesAsText("pointer").contains("/props/replicas"),
                    "the second run changed replicas: " + diff.out());
            Cli.Result stages = cli.run("state", "stages", "--store", store, "--json");
            assertEquals(0, stages.code(), stages.toString());
            assertEquals("web", stages.json().get(0).get("app").asText());
            assertEquals(1, stages.json().get(0).get("records").asInt(), stages.out());
            Path page = dir.resolve("t.html");
            Cli.Result timeline = cli.run(concat(new String[] {"state", "timeline", "--out", page.toString()}, target));
            assertEquals(0, timeline.code(), timeline.toString());
            String html = java.nio.file.Files.readString(page);
            assertEquals(2, html.split("<details class=\"run ", -1).length - 1, "both runs on the page");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
