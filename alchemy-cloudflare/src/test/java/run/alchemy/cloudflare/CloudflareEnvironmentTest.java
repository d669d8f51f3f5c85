package run.alchemy.cloudflare;

import okhttp3.Request;
import org.junit.jupiter.api.Test;
import run.alchemy.api.ConfigurationException;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options first, then the environment as Alchemy reads it; secrets never in messages or toString. */
class CloudflareEnvironmentTest {
    private static final String TOKEN = "tok-0123456789-secret";

    private static CloudflareEnvironment env(String... pairs) {
        Map<String, String> vars = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return new CloudflareEnvironment(vars, "Test store", "Test permission");
    }

    @Test
    void theApiKeyWinsOverTheTokenAsInAlchemyAndNeedsItsEmail() {
        Request.Builder r = new Request.Builder().url("https://example.com");
        env("CLOUDFLARE_API_KEY", "key-1", "CLOUDFLARE_EMAIL", "me@example.com", "CLOUDFLARE_API_TOKEN", TOKEN)
                .credentials(null, null, null).sign(r);
        Request built = r.build();
        assertEquals("key-1", built.header("X-Auth-Key"));
        assertNull(built.header("Authorization"));
        var e = assertThrows(ConfigurationException.class, () -> env("CLOUDFLARE_API_KEY", "key-1").credentials(null, null, null));
        assertTrue(e.getMessage().startsWith("Test store: ") && e.getMessage().contains("CLOUDFLARE_EMAIL")
                && !e.getMessage().contains("key-1"), e.getMessage());
        Credentials t = env("CLOUDFLARE_API_TOKEN", TOKEN).credentials(null, null, null);
        assertEquals("the API token from CLOUDFLARE_API_TOKEN", t.describe());
        assertFalse(t.toString().contains(TOKEN), t.toString());
        assertFalse(env("CLOUDFLARE_API_TOKEN", TOKEN).toString().contains(TOKEN));
        var none = assertThrows(ConfigurationException.class, () -> env().credentials(null, null, null));
        assertTrue(none.getMessage().contains("Test permission"), none.getMessage());
    }

    @Test
    void theBaseUrlAndAccountComeFromOptionsThenTheEnvironment() {
        assertEquals(CloudflareEnvironment.DEFAULT_BASE_URL, env().baseUrl(null).toString());
        assertEquals("http://127.0.0.1:9/client/v4", env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9/client/v4/")
                .baseUrl(null).toString());
        var e = assertThrows(ConfigurationException.class, () -> env().baseUrl("http://example.com/client/v4"));
        assertTrue(e.getMessage().contains("clear text"), e.getMessage());
        assertEquals("opt", env("CLOUDFLARE_ACCOUNT_ID", "env").account("opt"));
        assertEquals("cf", env("CF_ACCOUNT_ID", "cf").account(null));
        assertNull(env().account(null));
    }
}
