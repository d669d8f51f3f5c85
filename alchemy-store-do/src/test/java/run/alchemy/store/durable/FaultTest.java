package run.alchemy.store.durable;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import run.alchemy.api.StoreException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults between the store and its worker. OkHttp's MockWebServer stands in for the worker here,
 * on purpose: it is the one place that can answer with a Cloudflare Access login page, a redirect,
 * a 500 once and then the real answer, a stalled body or a dropped connection, on cue. What the
 * worker itself answers is tested against real workerd elsewhere. Each test enqueues exactly the
 * answers it expects to be asked for, and checks how many requests came.
 */
class FaultTest {
    private static final String TOKEN = "a-test-token-that-is-long-enough-0123456789";
    private static final String OK_GET = "{\"success\":true,\"status\":200,\"result\":\"{\\\"a\\\":1}\"}";
    private static final String ALCHEMY_VALIDATE = "{\"success\":true,\"status\":200}";

    private MockWebServer server;
    private DurableObjectStateStore store;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        store = DurableObjectStateStore.builder().url(server.url("/").toString()).token(TOKEN)
                .retryDelay(Duration.ofMillis(1), Duration.ofMillis(5)).timeout(Duration.ofMillis(500)).build();
    }

    @AfterEach
    void stop() {
        store.close();
        server.close();
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    private StoreException getFails() {
        return assertThrows(StoreException.class, () -> store.get(List.of("app", "dev"), "r"));
    }

    private static final String METHOD_NOT_FOUND = "{\"success\":false,\"status\":404,\"error\":\"Method not found\"}";

    /** Opening a log asks logView: Alchemy's worker does not know it, and then the store works without a log. */
    @Test
    void alchemysWorkerIsToldByItsMethodNotFoundAndGivesNoLog() throws Exception {
        server.enqueue(json(404, METHOD_NOT_FOUND));
        server.enqueue(json(200, ALCHEMY_VALIDATE));
        assertTrue(store.logStore("app", "dev").isEmpty());
        assertTrue(store.logNote().orElseThrow().contains("Alchemy's DOFS worker"), store.logNote().toString());
        assertEquals("logView", method(server.takeRequest()));
        assertEquals("validate", method(server.takeRequest()));
        assertEquals(2, server.getRequestCount(), "the answer is kept: logNote asked nothing");
    }

    /** An alchemy-java worker of protocol 1 (no logView) is refused with advice, not used without its log. */
    @Test
    void anOlderOwnWorkerIsRefusedWithAdviceNotUsedWithoutItsLog() {
        server.enqueue(json(404, METHOD_NOT_FOUND));
        server.enqueue(json(200, "{\"success\":true,\"status\":200,\"result\":{\"worker\":\"alchemy-java\",\"protocol\":1}}"));
        StoreException e = assertThrows(StoreException.class, () -> store.logStore("app", "dev"));
        assertTrue(e.getMessage().contains("older alchemy-java worker") && e.getMessage().contains("protocol 1")
                && e.getMessage().contains("force=true"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    private static String method(RecordedRequest r) {
        String body = r.getBody() == null ? "" : r.getBody().utf8();
        int at = body.indexOf("\"method\":\"") + 10;
        return body.substring(at, body.indexOf('"', at));
    }

    @Test
    void anHtmlPageWith200NamesCloudflareAccessAndIsNotRetried() {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html; charset=utf-8")
                .body("<!DOCTYPE html><html><title>Sign in ・ Cloudflare Access</title></html>").build());
        StoreException e = getFails();
        assertTrue(e.getMessage().contains("HTML page") && e.getMessage().contains("Cloudflare Access"), e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void aRedirectIsNotFollowedAndNamesCloudflareAccess() {
        server.enqueue(new MockResponse.Builder().code(302)
                .addHeader("Location", "https://team.cloudflareaccess.com/cdn-cgi/access/login/x?kid=1&redirect_url=%2Frpc")
                .build());
        StoreException e = getFails();
        assertTrue(e.getMessage().contains("302") && e.getMessage().contains("Cloudflare Access")
                && e.getMessage().contains("https://team.cloudflareaccess.com/cdn-cgi/access/login/x"), e.getMessage());
        assertFalse(e.getMessage().contains("kid=1"), e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void unauthorizedSaysTheTokenIsWrongWithoutShowingIt() {
        server.enqueue(json(401, "{\"success\":false,\"status\":401,\"error\":\"Unauthorized\"}"));
        StoreException e = getFails();
        assertTrue(e.getMessage().contains("refused the token"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        assertFalse(store.toString().contains(TOKEN));
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void a500IsRetriedThenTheAnswerIsUsed() throws Exception {
        server.enqueue(json(500, "{\"success\":false,\"status\":500,\"error\":\"boom\"}"));
        server.enqueue(new MockResponse.Builder().code(502).body("bad gateway").build());
        server.enqueue(json(200, OK_GET));
        assertArrayEquals("{\n  \"a\": 1\n}".getBytes(StandardCharsets.UTF_8),
                store.get(List.of("app", "dev"), "r").orElseThrow());
        assertEquals(3, server.getRequestCount());
        RecordedRequest first = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("Bearer " + TOKEN, first.getHeaders().get("Authorization"));
        assertEquals("/rpc?app=app&stage=dev", first.getTarget());
        assertEquals("{\"method\":\"get\",\"params\":{\"key\":\"alchemy/app/dev/r\"}}", first.getBody().utf8());
    }

    @Test
    void persistent5xxGivesUpAfterMaxAttemptsNamingTheMethod() {
        for (int i = 0; i < 5; i++) {
            server.enqueue(json(503, "{\"success\":false,\"status\":503,\"error\":\"overloaded\"}"));
        }
        StoreException e = getFails();
        assertTrue(e.getMessage().contains("\"get\"") && e.getMessage().contains("after 5 attempts")
                && e.getMessage().contains("503 overloaded"), e.getMessage());
        assertEquals(5, server.getRequestCount());
    }

    @Test
    void other4xxAreNotRetried() {
        server.enqueue(json(400, "{\"success\":false,\"status\":400,\"error\":\"Invalid JSON\"}"));
        StoreException e = getFails();
        assertTrue(e.getMessage().contains("400 Invalid JSON"), e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void aDroppedConnectionIsRetried() {
        server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        server.enqueue(json(200, OK_GET));
        assertTrue(store.get(List.of("app", "dev"), "r").isPresent());
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void aStalledAnswerTimesOutAndIsRetried() {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body(OK_GET).headersDelay(5, TimeUnit.SECONDS).build());
        server.enqueue(json(200, OK_GET));
        assertTrue(store.get(List.of("app", "dev"), "r").isPresent());
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void accessServiceTokenHeadersAreSent() throws Exception {
        try (DurableObjectStateStore withAccess = DurableObjectStateStore.builder().url(server.url("/").toString())
                .token(TOKEN).accessServiceToken("id.access", "access-secret").build()) {
            server.enqueue(json(200, ALCHEMY_VALIDATE));
            withAccess.isOurWorker();
            RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
            assertEquals("id.access", r.getHeaders().get("CF-Access-Client-Id"));
            assertEquals("access-secret", r.getHeaders().get("CF-Access-Client-Secret"));
        }
    }

    @Test
    void invalidJsonIsRefusedBeforeAnyRequestNamingTheRecord() {
        StoreException e = assertThrows(StoreException.class,
                () -> store.put(List.of("app", "dev"), "broken", "{\"a\": ".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("broken") && e.getMessage().contains("[app, dev]"), e.getMessage());
        assertEquals(0, server.getRequestCount());
    }
}
