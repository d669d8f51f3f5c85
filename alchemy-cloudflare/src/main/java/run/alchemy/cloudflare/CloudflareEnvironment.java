package run.alchemy.cloudflare;

import okhttp3.HttpUrl;
import run.alchemy.api.ConfigurationException;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a Cloudflare store's API settings come from when its options leave them out: the
 * environment, read as Alchemy reads it. {@code CLOUDFLARE_API_KEY} with {@code CLOUDFLARE_EMAIL}
 * (tried first, as in Alchemy), else {@code CLOUDFLARE_API_TOKEN}; {@code CLOUDFLARE_ACCOUNT_ID} or
 * {@code CF_ACCOUNT_ID}; {@code CLOUDFLARE_BASE_URL}. Messages start with {@code store} and say what
 * the credentials need ({@code permissions}); none shows a secret.
 *
 * @param variables   the environment to read, such as {@link System#getenv()}; copied
 * @param store       what the settings are for, starting every message ({@code R2 store})
 * @param permissions what the credentials need, named when none are found ({@code R2 read and write permission})
 */
public record CloudflareEnvironment(Map<String, String> variables, String store, String permissions) {
    /** Cloudflare's v4 API. */
    public static final String DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /**
     * Copies {@code variables}.
     *
     * @param variables   the environment to read; no name or value may be null
     * @param store       what the settings are for, starting every message
     * @param permissions what the credentials need, for messages
     * @throws NullPointerException if any argument, or a name or value in {@code variables}, is null
     */
    public CloudflareEnvironment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(permissions, "permissions");
    }

    /**
     * The API's base URL: {@code option}, else {@code CLOUDFLARE_BASE_URL}, else Cloudflare's
     * ({@value #DEFAULT_BASE_URL}); a trailing {@code /} is dropped.
     *
     * @param option the URL the store's options give, or null
     * @return the parsed URL
     * @throws ConfigurationException if it is no http(s) URL, or plain http on a host other than loopback
     */
    public HttpUrl baseUrl(String option) {
        String url = first(option, get("CLOUDFLARE_BASE_URL"), DEFAULT_BASE_URL);
        HttpUrl parsed = HttpUrl.parse(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (parsed == null) {
            throw new ConfigurationException(store + ": the API base URL \"" + url + "\" is not an http(s) URL");
        }
        if (!parsed.isHttps() && !LOOPBACK.contains(parsed.host())) {
            throw new ConfigurationException(store + ": the API base URL " + url + " is plain http on a non-loopback host,"
                    + " which would send the credentials in clear text: use https");
        }
        return parsed;
    }

    /**
     * The credentials given as options, else from the environment, the first found of: the API key
     * option, the token option, {@code CLOUDFLARE_API_KEY}, {@code CLOUDFLARE_API_TOKEN}. An API key
     * needs its e-mail: {@code email}, else {@code CLOUDFLARE_EMAIL}.
     *
     * @param apiToken the API token option, or null
     * @param apiKey   the global API key option, or null
     * @param email    the e-mail of the API key's account, or null
     * @return the credentials, naming where they came from
     * @throws ConfigurationException if an API key has no e-mail, or no credentials are found at all
     */
    public Credentials credentials(String apiToken, String apiKey, String email) {
        if (apiKey != null || (apiToken == null && get("CLOUDFLARE_API_KEY") != null)) {
            String origin = apiKey != null ? "the store's options" : "CLOUDFLARE_API_KEY";
            String mail = first(email, get("CLOUDFLARE_EMAIL"));
            if (mail == null) {
                throw new ConfigurationException(store + ": an API key (" + origin + ") needs its account's e-mail:"
                        + " set CLOUDFLARE_EMAIL, or use an API token (CLOUDFLARE_API_TOKEN)");
            }
            return Credentials.apiKey(apiKey != null ? apiKey : get("CLOUDFLARE_API_KEY"), mail, origin);
        }
        if (apiToken != null) {
            return Credentials.token(apiToken, "the store's options");
        }
        if (get("CLOUDFLARE_API_TOKEN") != null) {
            return Credentials.token(get("CLOUDFLARE_API_TOKEN"), "CLOUDFLARE_API_TOKEN");
        }
        throw new ConfigurationException(store + ": no Cloudflare credentials: set CLOUDFLARE_API_TOKEN (an API token"
                + " with " + permissions + "), or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL");
    }

    /**
     * The account: {@code option}, else {@code CLOUDFLARE_ACCOUNT_ID}, else {@code CF_ACCOUNT_ID}.
     *
     * @param option the account id the store's options give, or null
     * @return the account id, or null when none names one (then {@link CloudflareApi#discoverAccount} can find it)
     */
    public String account(String option) {
        return first(option, get("CLOUDFLARE_ACCOUNT_ID"), get("CF_ACCOUNT_ID"));
    }

    /**
     * One environment variable.
     *
     * @param name the variable's name, such as {@code CLOUDFLARE_API_TOKEN}
     * @return its value; null when it is unset or empty
     */
    public String get(String name) {
        String v = variables.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * The first of the values that is set.
     *
     * @param values the candidates, in order of preference; each may be null
     * @return the first that is neither null nor empty; null when none is
     */
    public static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        // the variables hold secrets: only their names
        return "CloudflareEnvironment[" + store + ", variables=" + new java.util.TreeSet<>(variables.keySet()) + "]";
    }
}
