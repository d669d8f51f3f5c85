package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.StateStores;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A credential pasted into a store URI by mistake (issue #17): stores take theirs from the
 * environment, never from the URI, and refuse a URI that carries one, but the refusal must not
 * print it — nor may a URI that is invalid, names an unknown scheme, option or no bucket. Each such
 * URI goes to the command (in a JVM whose environment holds every store's credentials, which are
 * canaries too) and to {@link StateStores#open} and {@code Stage.toString()} here; every output,
 * message and stack trace is swept.
 */
class StoreUriLeakTest {
    @TempDir
    Path dir;

    @Test
    void noCredentialInAStoreUriIsEverShown() {
        String t = LeakSweep.fresh("uri-token");
        String envToken = LeakSweep.fresh("env-token") + "-padded-to-32-chars";
        LeakSweep sweep = new LeakSweep().watch("token in the URI", t).watch("token in the environment", envToken);
        sweep.assertDetects(dir.resolve("scratch"));
        List<String> uris = List.of(
                "s3://bucket/p?region=us-east-1&secretAccessKey=" + t, "s3://AKID:" + t + "@bucket/p", "s3://?token=" + t,
                "s3://bucket/p?" + t, "s3://bucket/p?=" + t, "s3://bucket/p?maxAttempts=0&token=" + t,
                "r2://bucket/p?apiToken=" + t, "r2://u:" + t + "@bucket", "r2://bucket?log=tape&key=" + t,
                "do+https://example.com/?token=" + t, "do+https://u:" + t + "@example.com", "do+https://?token=" + t,
                "do+https://example.com/?access-id-env=X&auth=" + t, "do://worker?account=a&token=" + t,
                "do://worker?force=maybe&secret=" + t, "gcs://u:" + t + "@bucket", "gcs://bucket?token=" + t,
                "mem:x?token=" + t, "do+https://exa mple.com/?token=" + t, "s3://bucket/p?token=" + t + "#x y");
        Map<String, String> credentials = Map.of("ALCHEMY_STATE_TOKEN", envToken, "CLOUDFLARE_API_TOKEN", envToken,
                "AWS_ACCESS_KEY_ID", "AKIDLEAKTEST", "AWS_SECRET_ACCESS_KEY", envToken, "R2_SECRET_ACCESS_KEY", envToken,
                "R2_ACCESS_KEY_ID", "AKIDLEAKTEST", "AWS_REGION", "us-east-1");
        try (CliProcess process = new CliProcess(dir.resolve("process"), credentials)) {
            for (String uri : uris) {
                Cli.Result r = process.run(Map.of(), "state", "list", "--store", uri, "--app", "a", "--stage", "b", "--verbose");
                sweep.result("state list --store <" + uri.replace(t, "T") + ">", r);
                assertNotEquals(0, r.code(), uri.replace(t, "T") + ": " + r.err().replace(t, "T"));
                assertTrue(r.err().contains("error:"), "says why: " + r.err().replace(t, "T"));
                sweep.thrown("StateStores.open(<" + uri.replace(t, "T") + ">)", assertThrowsAny(uri.replace(t, "T"),
                        () -> StateStores.open(uri)));
                sweep.value("Stage on <" + uri.replace(t, "T") + ">", Alchemy.app("a").stage("b").stateStore(uri));
                sweep.text("StateStores.describe", StateStores.describe(uri));
            }
            sweep.text("the command JVM's stderr", process.finish());
        }
        sweep.tree(dir);
        sweep.assertClean(1);
        System.out.println("store URI leak sweep: " + uris.size() + " URIs; " + sweep.summary());
    }

    private static Throwable assertThrowsAny(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("opening " + what + " should fail");
    }
}
