package run.alchemy.store.r2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import run.alchemy.api.ConfigurationException;
import run.alchemy.engine.StateStores;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication, account discovery, the missing bucket, paging quirks, 429 and server faults,
 * against {@link FakeCloudflare} (a fake written from Cloudflare's documented REST API: there is no
 * emulator of it) with answers scripted per request.
 */
class R2FaultTest {
    private static final List<String> STAGE = List.of("app", "dev");
    private FakeCloudflare cf;

    @BeforeEach
    void start() throws Exception {
        cf = FakeCloudflare.start();
        cf.createBucket("b");
    }

    @AfterEach
    void stop() {
        cf.close();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("CLOUDFLARE_BASE_URL", cf.baseUrl()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private R2StoreBuilder store(String... env) {
        return R2StateStore.builder().bucket("b").environment(env(env)).retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5));
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTokenIsSentAsBearerAndAKeyWithItsEmailAsAuthKeyHeaders() {
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).build()) {
            s.put(STAGE, "x", json("{}"));
        }
        FakeCloudflare.Seen put = cf.requests().get(cf.requests().size() - 1);
        assertEquals("Bearer " + cf.token, put.authorization());
        assertNull(put.authKey());
        try (R2StateStore s = store("CLOUDFLARE_API_KEY", cf.apiKey, "CLOUDFLARE_EMAIL", cf.email,
                "CLOUDFLARE_API_TOKEN", "ignored: the key is tried first, as in Alchemy").build()) {
            assertTrue(s.get(STAGE, "x").isPresent());
        }
        FakeCloudflare.Seen get = cf.requests().get(cf.requests().size() - 1);
        assertEquals(cf.apiKey, get.authKey());
        assertEquals(cf.email, get.authEmail());
        assertNull(get.authorization());
        var e = assertThrows(ConfigurationException.class, () -> store("CLOUDFLARE_API_KEY", cf.apiKey).build());
        assertTrue(e.getMessage().contains("CLOUDFLARE_EMAIL") && !e.getMessage().contains(cf.apiKey), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> store().build());
        assertTrue(e.getMessage().contains("CLOUDFLARE_API_TOKEN"), e.getMessage());
    }

    @Test
    void refusedCredentialsAreNamedNeverShownAnd403IsTriedTwice() {
        String wrong = "wrong-token-0123456789";
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", wrong, "CLOUDFLARE_ACCOUNT_ID", "acct-1").build()) {
            var e = assertThrows(R2Exception.Unauthorized.class, () -> s.get(STAGE, "x"));
            assertEquals(403, e.status());
            assertEquals(List.of(10000), e.codes());
            assertTrue(e.getMessage().contains("API token from CLOUDFLARE_API_TOKEN"), e.getMessage());
            assertTrue(e.getMessage().contains("\"alchemy/app/dev/x\" in bucket \"b\""), e.getMessage());
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
            assertFalse(s.toString().contains(wrong), s.toString());
            assertEquals(2, cf.requests().size(), "a 403 is retried once (Cloudflare sends transient ones), then reported");
        }
        cf.clearRequests();
        cf.fail(r -> true, 401, Map.of(), "{\"success\":false,\"errors\":[{\"code\":10001,\"message\":\"Unauthorized\"}]}");
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token, "CLOUDFLARE_ACCOUNT_ID", "acct-1").build()) {
            assertEquals(401, assertThrows(R2Exception.Unauthorized.class, () -> s.get(STAGE, "x")).status());
            assertEquals(1, cf.requests().size(), "a 401 is not retried");
        }
    }

    @Test
    void theAccountIsTheOnlyOneTheCredentialsSeeOrMustBeNamed() throws Exception {
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).build()) {
            assertEquals("acct-1", s.account());
        }
        try (FakeCloudflare two = FakeCloudflare.withAccounts(Map.of("a1", "One", "a2", "Two"))) {
            var e = assertThrows(ConfigurationException.class, () -> R2StateStore.builder()
                    .environment(Map.of("CLOUDFLARE_API_TOKEN", two.token, "CLOUDFLARE_BASE_URL", two.baseUrl())).build());
            assertTrue(e.getMessage().contains("a1 (One)") && e.getMessage().contains("CLOUDFLARE_ACCOUNT_ID"), e.getMessage());
            two.clearRequests();
            try (R2StateStore s = R2StateStore.builder().account("a2")
                    .environment(Map.of("CLOUDFLARE_API_TOKEN", two.token, "CLOUDFLARE_BASE_URL", two.baseUrl())).build()) {
                assertEquals("a2", s.account());
                assertEquals(List.of(), two.requests(), "a named account is not looked up");
            }
        }
    }

    @Test
    void aMissingBucketReadsEmptyAndIsCreatedByTheFirstWriteOrNamed() {
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).bucket("fresh").build()) {
            assertTrue(s.get(STAGE, "x").isEmpty());
            assertEquals(List.of(), s.list(STAGE));
            assertFalse(cf.hasBucket("fresh"), "reading creates nothing");
            s.put(STAGE, "x", json("{}"));
            assertTrue(cf.hasBucket("fresh"));
            assertEquals(Map.of("alchemy/app/dev/x", "{}"), cf.objects("fresh"));
        }
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).bucket("absent").createBucket(false).build()) {
            var e = assertThrows(R2Exception.class, () -> s.put(STAGE, "x", json("{}")));
            assertEquals("absent", e.bucket());
            assertEquals(List.of(10006), e.codes());
            assertTrue(e.getMessage().contains("bucket \"absent\" does not exist in account acct-1"), e.getMessage());
        }
    }

    @Test
    void aParallelCreatorsConflictIsSuccess() {
        cf.fail(r -> r.method().equals("PUT"), 404, Map.of(),
                "{\"success\":false,\"errors\":[{\"code\":10006,\"message\":\"The specified bucket does not exist.\"}]}");
        cf.fail(r -> r.method().equals("POST"), 409, Map.of(),
                "{\"success\":false,\"errors\":[{\"code\":10004,\"message\":\"The bucket you tried to create already exists\"}]}");
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).build()) {
            s.put(STAGE, "x", json("{}"));
        }
        assertEquals(Map.of("alchemy/app/dev/x", "{}"), cf.objects("b"));
    }

    @Test
    void listingStopsAtARepeatedCursorOrAMissingResultInfo() {
        String page = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[{\"key\":\"alchemy/app/dev/%s\",\"etag\":\"e\"}]"
                + ",\"result_info\":{\"cursor\":\"c1\",\"is_truncated\":true}}";
        cf.fail(FakeCloudflare.Seen::isList, 200, Map.of("Content-Type", "application/json"), page.formatted("a"));
        cf.fail(FakeCloudflare.Seen::isList, 200, Map.of("Content-Type", "application/json"), page.formatted("b"));
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).build()) {
            assertEquals(List.of("a", "b"), s.list(STAGE));
            assertTrue(cf.requests().get(cf.requests().size() - 1).query().contains("cursor=c1"));
            cf.clearRequests();
            cf.fail(FakeCloudflare.Seen::isList, 200, Map.of(),
                    "{\"success\":true,\"result\":[{\"key\":\"alchemy/app/dev/only\"}]}");
            assertEquals(List.of("only"), s.list(STAGE));
            assertEquals(1, cf.requests().size());
            assertTrue(cf.requests().get(0).query().contains("per_page=1000"), cf.requests().get(0).query());
        }
    }

    @Test
    void a429WaitsWhatRetryAfterSaysAndALongRefusalFailsAtOnce() {
        String limited = "{\"success\":false,\"errors\":[{\"code\":971,\"message\":\"Please wait and consider throttling your request speed\"}]}";
        List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).sleeper(waits::add).build()) {
            s.put(STAGE, "x", json("{}"));
            cf.clearRequests();
            cf.fail(r -> true, 429, Map.of("Retry-After", "1"), limited);
            assertTrue(s.get(STAGE, "x").isPresent());
            assertEquals(List.of(Duration.ofSeconds(1)), waits, "waited the Retry-After second, and only that");
            assertEquals(2, cf.requests().size());

            cf.fail(r -> true, 429, Map.of("Retry-After", "300"), limited);
            var e = assertThrows(R2Exception.RateLimited.class, () -> s.get(STAGE, "x"));
            assertTrue(e.getMessage().contains("wait 300 s") && e.getMessage().contains("1,200 requests per 5 minutes"),
                    e.getMessage());
            assertEquals(List.of(971), e.codes());
        }
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).maxAttempts(3).build()) {
            for (int i = 0; i < 3; i++) {
                cf.fail(r -> true, 429, Map.of("Retry-After", "0"), limited);
            }
            var e = assertThrows(R2Exception.RateLimited.class, () -> s.get(STAGE, "x"));
            assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoffAndANonJsonBodyIsDescribed() {
        try (R2StateStore s = store("CLOUDFLARE_API_TOKEN", cf.token).maxAttempts(3).build()) {
            cf.fail(r -> true, 500, Map.of(), "{\"success\":false,\"errors\":[{\"code\":10001,\"message\":\"internal\"}]}");
            cf.fail(r -> true, 503, Map.of("Content-Type", "text/html"), "<html>busy</html>");
            s.put(STAGE, "x", json("{}"));
            assertEquals(Map.of("alchemy/app/dev/x", "{}"), cf.objects("b"));
            for (int i = 0; i < 3; i++) {
                cf.fail(r -> true, 502, Map.of("Content-Type", "text/html"), "<html>bad gateway</html>");
            }
            var e = assertThrows(R2Exception.class, () -> s.get(STAGE, "x"));
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains("after 3 attempts") && e.getMessage().contains("non-JSON answer of type text/html"),
                    e.getMessage());
            cf.clearRequests();
            cf.fail(r -> true, 400, Map.of(), "{\"success\":false,\"errors\":[{\"code\":10040,\"message\":\"bad\"}]}");
            assertEquals(List.of(10040), assertThrows(R2Exception.class, () -> s.delete(STAGE, "x")).codes());
            assertEquals(1, cf.requests().size(), "another 4xx is not retried");
        }
    }

    @Test
    void theUriFindsTheStoreAndRefusesCredentialsInIt() {
        var e = assertThrows(ConfigurationException.class, () -> StateStores.open("r2://bucket/teams/?account=a"));
        assertTrue(e.getMessage().contains("CLOUDFLARE_API_TOKEN"), "found by its scheme, then wants credentials: " + e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> StateStores.open("r2://key:secret@bucket/"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> StateStores.open("r2://bucket?nope=1"));
        assertTrue(e.getMessage().contains("known: account"), e.getMessage());
        assertInstanceOf(ConfigurationException.class, assertThrows(RuntimeException.class,
                () -> R2StateStore.builder().baseUrl("http://api.example.com/client/v4").apiToken("t").account("a").build()));
    }
}
