package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import okhttp3.HttpUrl;
import run.alchemy.cloudflare.CloudflareApi;
import run.alchemy.cloudflare.CloudflareEnvironment;
import run.alchemy.cloudflare.Credentials;
import run.alchemy.store.r2.FakeCloudflare;
import run.alchemy.store.r2.R2StateStore;
import run.alchemy.store.r2.R2StoreBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret, password or Cloudflare API token leaks on the R2 store (issue #17): the command as
 * {@code ./alchemy} runs it (a JVM of its own, the token in {@code CLOUDFLARE_API_TOKEN}) against
 * {@link FakeCloudflare} — a fake of Cloudflare's REST API written from its documentation, since no
 * emulator of that API exists — through {@link LeakScenario}'s commands and failure paths; a wrong
 * token (the API's 403, code 10000); a server answering 401 and 500 with the request's headers, the
 * bearer token among them, echoed in its body; then every object the fake holds, every record and log
 * entry read through the store's own list and read, and the command's read cache and temp files.
 */
class R2LeakSweepTest {
    private static final String BUCKET = "leak-bucket";

    @TempDir
    Path dir;

    @Test
    void noCanaryInTheBucketInAnyOutputOrMessage() throws Exception {
        try (FakeCloudflare cf = FakeCloudflare.start()) {
            cf.createBucket(BUCKET);
            String uri = "r2://" + BUCKET + "/teams/";
            Map<String, String> env = Map.of("CLOUDFLARE_API_TOKEN", cf.token, "CLOUDFLARE_BASE_URL", cf.baseUrl());
            try (CliProcess process = new CliProcess(dir.resolve("process"), env)) {
                sweep(cf, process, uri, env);
            }
        }
    }

    private void sweep(FakeCloudflare cf, CliProcess process, String uri, Map<String, String> env) {
        LeakScenario s = new LeakScenario(process::run, uri, dir, Map.of());
        String badToken = LeakSweep.fresh("bad-cf-token");
        String s3Secret = LeakSweep.fresh("r2-s3-secret");
        s.sweep.watch("Cloudflare token", cf.token).watch("bad Cloudflare token", badToken).watch("R2 S3 secret", s3Secret);
        s.sweep.assertDetects(dir.resolve("scratch"));

        s.core();
        s.someFailures((id, bytes) -> cf.putObject(BUCKET, "teams/" + LeakScenario.APP + "/" + LeakScenario.STAGE + "/" + id,
                new String(bytes, StandardCharsets.UTF_8)));
        s.sweep.text("the command JVM's stderr", process.finish());
        // each credential and base URL is a process environment of its own: a wrong token, then servers at fault
        try (CliProcess wrong = new CliProcess(dir.resolve("wrong-token"), Map.of("CLOUDFLARE_API_TOKEN", badToken,
                "CLOUDFLARE_BASE_URL", cf.baseUrl()))) {
            Cli.Result r = wrong.run(Map.of(), LeakScenario.on(uri + "?maxAttempts=1", "state", "list", "--verbose"));
            s.sweep.result("state list with a wrong token", r);
            assertTrue(r.code() != 0 && r.err().contains("error:"), r.err());
            s.sweep.text("the wrong-token JVM's stderr", wrong.finish());
        }
        for (int status : new int[] {401, 500}) {
            try (EchoingServer faults = new EchoingServer(status);
                 CliProcess faulty = new CliProcess(dir.resolve("fault-" + status), Map.of("CLOUDFLARE_API_TOKEN",
                         cf.token, "CLOUDFLARE_BASE_URL", faults.url() + "/client/v4", "CLOUDFLARE_ACCOUNT_ID", "acct-1"))) {
                Cli.Result r = faulty.run(Map.of(), LeakScenario.on(uri + "?maxAttempts=1&cache=none", "state", "list",
                        "--verbose"));
                s.sweep.result("state list on a " + status, r);
                assertTrue(r.code() != 0 && faults.requests() > 0, "the fault was met: " + r.err());
                s.sweep.text("the faulty JVM's stderr", faulty.finish());
                storeLevel(s, faults.url() + "/client/v4", badToken);
            }
        }

        // the event log on R2's S3 endpoint, with S3 keys, against an endpoint answering 500 with the headers echoed
        try (EchoingServer s3 = new EchoingServer(500);
             CliProcess withKeys = new CliProcess(dir.resolve("s3-log"), Map.of("CLOUDFLARE_API_TOKEN", cf.token,
                     "CLOUDFLARE_BASE_URL", cf.baseUrl(), "R2_ACCESS_KEY_ID", "AKIDLEAKTEST", "R2_SECRET_ACCESS_KEY", s3Secret))) {
            Cli.Result r = withKeys.run(Map.of("ALCHEMY_PASSWORD", "x", "API_KEY", s.secret), "deploy", "-f", s.stack(8),
                    "--store", uri + "?log=s3&s3Endpoint=" + s3.url() + "&maxAttempts=1&cache=none", "--verbose");
            s.sweep.result("deploy with the log on a failing S3 endpoint", r);
            assertTrue(r.code() != 0 && r.err().contains("error:") && s3.requests() > 0, r.err());
            s.sweep.text("the S3-log JVM's stderr", withKeys.finish());
        }

        R2StoreBuilder builder = R2StateStore.builder().bucket(BUCKET).prefix("teams/").environment(env)
                .readCache(null);
        try (R2StateStore store = builder.build()) {
            LeakScenario.dump(store, s.sweep);
            s.sweep.value("R2StateStore", store);
        }
        s.sweep.value("R2StoreBuilder", builder.apiToken(cf.token)
                .eventLogOnS3(URI.create("http://127.0.0.1:1"), "AKIDLEAK", s3Secret));
        values(s, cf.token, badToken);
        cf.objects(BUCKET).forEach((key, text) -> s.sweep.bytes("fake R2 " + BUCKET + "/" + key,
                text.getBytes(StandardCharsets.UTF_8)));
        s.sweep.tree(dir);
        s.sweep.assertClean(10);
        System.out.println("R2 leak sweep: " + s.commands() + " commands; " + s.sweep.summary());
    }

    /** The public values of alchemy-cloudflare that hold a token or key: each one's {@code toString()}. */
    private static void values(LeakScenario s, String token, String key) {
        Credentials byToken = Credentials.token(token, "CLOUDFLARE_API_TOKEN");
        s.sweep.value("Credentials.token", byToken).value("Credentials.apiKey", Credentials.apiKey(key, "a@b.c", "X"));
        s.sweep.text("Credentials.describe", byToken.describe());
        s.sweep.value("CloudflareEnvironment", new CloudflareEnvironment(Map.of("CLOUDFLARE_API_TOKEN", token,
                "CLOUDFLARE_API_KEY", key), "R2 store", "R2 read and write permission"));
        s.sweep.value("CloudflareApi.Settings", new CloudflareApi.Settings("R2 store", "R2", HttpUrl.get("http://127.0.0.1:1"),
                byToken, 1, Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1)));
    }

    /** The store's own exceptions when the API answers a fault whose body echoes the request's token. */
    private static void storeLevel(LeakScenario s, String baseUrl, String token) {
        R2StoreBuilder b = R2StateStore.builder().bucket(BUCKET).baseUrl(baseUrl).account("acct-1").apiToken(token)
                .environment(Map.of()).readCache(null).maxAttempts(1).timeout(Duration.ofSeconds(5));
        s.sweep.value("R2StoreBuilder", b);
        try (R2StateStore store = b.build()) {
            s.sweep.value("R2StateStore", store);
            RuntimeException e = assertThrows(RuntimeException.class, () -> store.get(List.of("a", "b"), "r"));
            s.sweep.thrown("R2 get on a fault", e);
            e = assertThrows(RuntimeException.class, () -> store.put(List.of("a", "b"), "r", new byte[] {'{', '}'}));
            s.sweep.thrown("R2 put on a fault", e);
        }
    }
}
