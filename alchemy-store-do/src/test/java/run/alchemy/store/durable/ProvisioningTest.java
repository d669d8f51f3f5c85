package run.alchemy.store.durable;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.StoreException;
import run.alchemy.cloudflare.CloudflareApiException;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provisioning our worker through the Cloudflare API, against {@link FakeWorkersApi} (no emulator
 * exists for Cloudflare's REST API; that fake is written from the documented API). After an upload
 * the fake accepted, the worker's workers.dev URL is mapped to our real worker in workerd
 * ({@link LocalWorker}), started with the token the upload carried, so the store reads and writes
 * through the worker that was uploaded. Readiness waits are recorded, never slept.
 */
class ProvisioningTest {
    private static final List<String> STAGE = List.of("app", "dev");
    private static final String NAME = DurableObjectStoreBuilder.DEFAULT_WORKER_NAME;
    private static final String WORKERS_DEV = NAME + ".fake-sub.workers.dev";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @RegisterExtension
    static final LocalWorker worker = LocalWorker.ours();

    private FakeWorkersApi cf;
    private final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cf = FakeWorkersApi.start();
    }

    @AfterEach
    void stop() {
        cf.close();
    }

    /** The builder of a provisioned store whose workers.dev URL is the local worker. */
    private DurableObjectStoreBuilder provisioned(FakeWorkersApi api, Map<String, String> extraEnv) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("CLOUDFLARE_API_TOKEN", api.token,
                "CLOUDFLARE_BASE_URL", api.baseUrl()));
        env.putAll(extraEnv);
        return DurableObjectStateStore.builder().provision(NAME).token(worker.token()).environment(env)
                .prefix("p" + PREFIXES.incrementAndGet()).retryDelay(Duration.ofMillis(1), Duration.ofMillis(5))
                .workersDevUrl(u -> {
                    assertEquals("https://" + WORKERS_DEV + "/", u.toString());
                    return HttpUrl.get(worker.url());
                })
                .sleeper(waits::add);
    }

    private DurableObjectStoreBuilder provisioned() {
        return provisioned(cf, Map.of());
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theFirstProvisioningUploadsOurWorkerWithItsMigrationSecretAndTagThenTheStoreWorksThroughIt() throws Exception {
        try (DurableObjectStateStore store = provisioned().build()) {
            assertTrue(store.isOurWorker());
            store.put(STAGE, "r", json("{\n  \"n\": 1\n}"));
            assertArrayEquals(json("{\n  \"n\": 1\n}"), store.get(STAGE, "r").orElseThrow());
            assertEquals(List.of("r"), store.list(STAGE));
        }
        assertEquals(List.of("GET /client/v4/accounts", "GET /client/v4/accounts/acct-1/workers/scripts/" + NAME + "/settings",
                "PUT /client/v4/accounts/acct-1/workers/scripts/" + NAME,
                "POST /client/v4/accounts/acct-1/workers/scripts/" + NAME + "/subdomain",
                "GET /client/v4/accounts/acct-1/workers/subdomain"), cf.trace());
        assertEquals(1, cf.uploads().size());
        FakeWorkersApi.Upload up = cf.uploads().get(0);
        FakeWorkersApi.Part script = up.parts().get("state-store.js");
        assertEquals("state-store.js", script.filename());
        assertEquals("application/javascript+module", script.contentType());
        assertArrayEquals(Files.readAllBytes(LocalWorker.workerDir().resolve("state-store.js")), script.body(),
                "the jar's worker is worker/state-store.js");
        JsonNode m = up.metadata();
        assertEquals("state-store.js", m.path("main_module").asText());
        assertEquals("2025-06-01", m.path("compatibility_date").asText());
        assertEquals("[\"nodejs_compat\"]", m.path("compatibility_flags").toString());
        assertEquals("{\"name\":\"STATE_STORE\",\"type\":\"durable_object_namespace\",\"class_name\":\"AlchemyJavaStateStore\"}",
                m.path("bindings").get(0).toString());
        assertEquals("STATE_TOKEN", m.path("bindings").get(1).path("name").asText());
        assertEquals("secret_text", m.path("bindings").get(1).path("type").asText());
        assertEquals(worker.token(), m.path("bindings").get(1).path("text").asText(), "the store's token is the worker's");
        assertEquals("{\"new_sqlite_classes\":[\"AlchemyJavaStateStore\"]}", m.path("migrations").toString());
        assertEquals(1, m.path("tags").size());
        assertTrue(m.path("tags").get(0).asText().matches("alchemy-java-state-store:[0-9a-f]{16}"), m.path("tags").toString());
        assertTrue(cf.onWorkersDev("acct-1", NAME));
        String enable = cf.requests().get(3).body();
        assertEquals("{\"enabled\":true,\"previews_enabled\":false}", enable);
        assertEquals(List.of(), waits, "the worker answered the first probe");
    }

    @Test
    void aSecondRunWithTheSameVersionUploadsNothing() {
        provisioned().build().close();
        cf.clearRequests();
        try (DurableObjectStateStore store = provisioned().account("acct-1").build()) {
            assertTrue(store.isOurWorker());
        }
        assertEquals(1, cf.uploads().size());
        assertEquals(List.of("GET /client/v4/accounts/acct-1/workers/scripts/" + NAME + "/settings",
                "POST /client/v4/accounts/acct-1/workers/scripts/" + NAME + "/subdomain",
                "GET /client/v4/accounts/acct-1/workers/subdomain"), cf.trace(), "a named account is not looked up");
    }

    @Test
    void forceUploadsAgainWithoutTheMigration() {
        provisioned().build().close();
        provisioned().force(true).build().close();
        assertEquals(2, cf.uploads().size());
        JsonNode again = cf.uploads().get(1).metadata();
        assertTrue(again.path("migrations").isMissingNode(), again.toString());
        assertEquals(cf.uploads().get(0).metadata().path("tags"), again.path("tags"));
    }

    @Test
    void anotherVersionOfOurWorkerIsReplacedAndSomeoneElsesIsNot() throws Exception {
        cf.preinstall("acct-1", NAME, List.of("alchemy-java-state-store:0000000000000000"), Set.of("AlchemyJavaStateStore"));
        provisioned().build().close();
        assertEquals(1, cf.uploads().size());
        JsonNode m = cf.uploads().get(0).metadata();
        assertTrue(m.path("migrations").isMissingNode(), "the class exists: " + m);
        assertFalse(m.path("tags").get(0).asText().endsWith("0000000000000000"));

        try (FakeWorkersApi other = FakeWorkersApi.start()) {
            other.preinstall("acct-1", NAME, List.of("alchemy-state-store:2025-06-23"), Set.of("DOFSStateStore"));
            var e = assertThrows(ConfigurationException.class, () -> provisioned(other, Map.of()).force(true).build());
            assertTrue(e.getMessage().contains("not alchemy-java's state store") && e.getMessage().contains("alchemy-state-store:2025-06-23"),
                    e.getMessage());
            assertEquals(List.of(), other.uploads());
        }
    }

    @Test
    void theAccountIsTheOnlyOneTheCredentialsSeeOrMustBeNamed() throws Exception {
        try (FakeWorkersApi two = FakeWorkersApi.withAccounts(Map.of("a1", "One", "a2", "Two"))) {
            var e = assertThrows(ConfigurationException.class, () -> provisioned(two, Map.of()).build());
            assertTrue(e.getMessage().contains("can see 2 accounts") && e.getMessage().contains("a2 (Two)")
                    && e.getMessage().contains("CLOUDFLARE_ACCOUNT_ID"), e.getMessage());
            assertEquals(List.of(), two.uploads());
            provisioned(two, Map.of("CLOUDFLARE_ACCOUNT_ID", "a2")).build().close();
            assertEquals("a2", two.uploads().get(0).account());
        }
    }

    @Test
    void refusedCredentialsAreNamedAndNoSecretIsEverShown() {
        String wrong = "wrong-cloudflare-token-0123456789";
        var e = assertThrows(CloudflareApiException.Unauthorized.class,
                () -> provisioned(cf, Map.of("CLOUDFLARE_API_TOKEN", wrong)).account("acct-1").build());
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("the API token from CLOUDFLARE_API_TOKEN")
                && e.getMessage().contains("Workers Scripts edit"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertEquals(1, cf.requests().size(), "a 401 is not retried");

        cf.refuseNext(s -> s.method().equals("PUT"), 400, 10021, "Uncaught SyntaxError: Unexpected token at line 1");
        var refused = assertThrows(CloudflareApiException.class, () -> provisioned().build());
        assertEquals(List.of(10021), refused.codes());
        assertTrue(refused.getMessage().contains("upload worker \"" + NAME + "\" in account acct-1")
                && refused.getMessage().contains("[10021] Uncaught SyntaxError"), refused.getMessage());
        assertFalse(refused.getMessage().contains(worker.token()), "the metadata part carries the token: " + refused.getMessage());
        assertFalse(provisioned().toString().contains(worker.token()));
    }

    @Test
    void readinessGivesUpAfterTwentyProbesWaitingLongerEachTime() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closed;
        var e = assertThrows(StoreException.class, () -> provisioned().workersDevUrl(u -> HttpUrl.get(dead)).build());
        assertTrue(e.getMessage().contains("not ready after 20 attempts") && e.getMessage().contains(dead),
                e.getMessage());
        assertEquals(19, waits.size());
        assertEquals(List.of(1000L, 1500L, 2250L, 3375L, 5062L, 7593L, 10000L, 10000L),
                waits.subList(0, 8).stream().map(Duration::toMillis).toList());
        assertTrue(waits.stream().allMatch(w -> w.toMillis() <= 10_000), waits.toString());
    }

    @Test
    void aCurrentWorkerWithAnotherTokenFailsAtOnceSuggestingForce() {
        provisioned().build().close();
        String other = "another-token-of-forty-characters-000000";
        var e = assertThrows(ConfigurationException.class, () -> provisioned().token(other).build());
        assertTrue(e.getMessage().contains("refuses the token") && e.getMessage().contains("force=true"), e.getMessage());
        assertFalse(e.getMessage().contains(other) || e.getMessage().contains(worker.token()), e.getMessage());
        assertEquals(List.of(), waits, "a token mismatch is not waited out");
    }

    @Test
    void aShortOrMissingTokenIsRefusedBeforeAnyRequest() {
        var e = assertThrows(ConfigurationException.class, () -> provisioned().token("too-short-a-token").build());
        assertTrue(e.getMessage().contains("17 characters") && !e.getMessage().contains("too-short"), e.getMessage());
        var missing = assertThrows(ConfigurationException.class, () -> provisioned().token(null).build());
        assertTrue(missing.getMessage().contains("ALCHEMY_STATE_TOKEN"), missing.getMessage());
        assertEquals(List.of(), cf.requests(), "the token is checked before Cloudflare is asked anything");
        provisioned(cf, Map.of("ALCHEMY_STATE_TOKEN", worker.token())).token(null).build().close();
        assertEquals(worker.token(), cf.uploads().get(0).metadata().path("bindings").get(1).path("text").asText(),
                "the token from ALCHEMY_STATE_TOKEN");
        var both = assertThrows(ConfigurationException.class, () -> provisioned().url(worker.url()).build());
        assertTrue(both.getMessage().contains("give one of them"), both.getMessage());
    }
}
