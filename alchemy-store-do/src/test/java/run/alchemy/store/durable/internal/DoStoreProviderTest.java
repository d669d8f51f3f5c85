package run.alchemy.store.durable.internal;

import org.junit.jupiter.api.Test;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.store.durable.FakeWorkersApi;

import java.net.URI;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Store URIs, their options and the token rules (no network: opening a store sends nothing). */
class DoStoreProviderTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef-x";

    private static StateStore open(String uri, Map<String, String> env) {
        DoStoreProvider p = uri.startsWith("do+https") ? new DoStoreProvider.Https(env::get) : new DoStoreProvider.Http(env::get);
        return p.open(URI.create(uri));
    }

    @Test
    void theSchemesAreFoundThroughServiceLoader() {
        Set<String> schemes = ServiceLoader.load(StateStoreProvider.class).stream().map(p -> p.get().scheme())
                .collect(Collectors.toSet());
        assertTrue(schemes.containsAll(Set.of("do+https", "do+http", "do")), schemes.toString());
    }

    @Test
    void httpsAndLoopbackHttpOpenWithTheTokenFromTheEnvironment() {
        try (StateStore s = open("do+https://state.example.workers.dev/ignored", Map.of("ALCHEMY_STATE_TOKEN", TOKEN))) {
            assertEquals("https://state.example.workers.dev/rpc?app=a&stage=b key alchemy/a/b/x:y",
                    s.locate(java.util.List.of("a", "b"), "x/y"));
            assertFalse(s.toString().contains(TOKEN));
        }
        try (StateStore s = open("do+http://127.0.0.1:8799?token-env=MY_TOKEN&prefix=p", Map.of("MY_TOKEN", TOKEN))) {
            assertEquals("http://127.0.0.1:8799/rpc?app=a&stage=b key p/a/b/x", s.locate(java.util.List.of("a", "b"), "x"));
        }
    }

    @Test
    void aShortOrMissingTokenIsRefusedWithAdviceAndNeverShown() {
        ConfigurationException shortOne = assertThrows(ConfigurationException.class,
                () -> open("do+https://h", Map.of("ALCHEMY_STATE_TOKEN", "s3cr3t-but-short")));
        assertTrue(shortOne.getMessage().contains("16 characters") && shortOne.getMessage().contains("at least 32")
                && shortOne.getMessage().contains("openssl rand"), shortOne.getMessage());
        assertFalse(shortOne.getMessage().contains("s3cr3t"), shortOne.getMessage());
        ConfigurationException missing = assertThrows(ConfigurationException.class,
                () -> open("do+https://h?token-env=NOPE", Map.of()));
        assertTrue(missing.getMessage().contains("NOPE"), missing.getMessage());
    }

    @Test
    void badUrisAreNamed() {
        Map<String, String> env = Map.of("ALCHEMY_STATE_TOKEN", TOKEN);
        assertTrue(assertThrows(ConfigurationException.class, () -> open("do+http://example.com", env)).getMessage()
                .contains("plain http on another host"));
        assertTrue(assertThrows(ConfigurationException.class, () -> open("do+https://h?colour=red", env)).getMessage()
                .contains("unknown option \"colour\""));
        assertTrue(assertThrows(ConfigurationException.class, () -> open("do+https://h?maxAttempts=0", env)).getMessage()
                .contains("maxAttempts=0"));
        assertTrue(assertThrows(ConfigurationException.class, () -> open("do+https://h?access-id-env=X", env)).getMessage()
                .contains("go together"));
        String withUser = assertThrows(ConfigurationException.class, () -> open("do+https://me:" + TOKEN + "@h", env))
                .getMessage();
        assertTrue(withUser.contains("carries credentials") && !withUser.contains(TOKEN), withUser);
        assertTrue(assertThrows(ConfigurationException.class, () -> open("do+https://h?force=true", env)).getMessage()
                .contains("force is an option of do://WORKER"));
    }

    @Test
    void doUrisProvisionWithTheirOptionsAndTheEnvironmentsCredentials() throws Exception {
        try (FakeWorkersApi cf = FakeWorkersApi.start().subdomain(null)) {
            Map<String, String> env = Map.of("ALCHEMY_STATE_TOKEN", TOKEN, "CLOUDFLARE_API_TOKEN", cf.token,
                    "CLOUDFLARE_BASE_URL", cf.baseUrl());
            // the account has no workers.dev subdomain: provisioning stops after the upload, before any readiness probe
            var e = assertThrows(ConfigurationException.class,
                    () -> new DoStoreProvider.Provisioned(env).open(URI.create("do://my-state?account=acct-1&force=true")));
            assertTrue(e.getMessage().contains("no workers.dev subdomain"), e.getMessage());
            assertEquals("my-state", cf.uploads().get(0).script());
            assertEquals(TOKEN, cf.uploads().get(0).metadata().path("bindings").get(1).path("text").asText());
            assertEquals("GET /client/v4/accounts/acct-1/workers/scripts/my-state/settings", cf.trace().get(0),
                    "the account of the URI, not looked up");

            var shortToken = assertThrows(ConfigurationException.class, () -> new DoStoreProvider.Provisioned(
                    Map.of("MINE", "short", "CLOUDFLARE_BASE_URL", cf.baseUrl())).open(URI.create("do://s?token-env=MINE")));
            assertTrue(shortToken.getMessage().contains("MINE") && shortToken.getMessage().contains("at least 32"),
                    shortToken.getMessage());
            assertTrue(assertThrows(ConfigurationException.class, () -> new DoStoreProvider.Provisioned(env)
                    .open(URI.create("do://s?force=yes"))).getMessage().contains("force=true or force=false"));
            assertTrue(assertThrows(ConfigurationException.class, () -> new DoStoreProvider.Provisioned(env)
                    .open(URI.create("do://s:8080"))).getMessage().contains("no port or path"));
            assertTrue(assertThrows(ConfigurationException.class, () -> new DoStoreProvider.Provisioned(env)
                    .open(URI.create("do://My-State"))).getMessage().contains("workers.dev host name"));
            assertEquals(1, cf.uploads().size(), "refused URIs send nothing");
        }
    }
}
