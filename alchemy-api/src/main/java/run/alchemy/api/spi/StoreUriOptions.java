package run.alchemy.api.spi;

import run.alchemy.api.ConfigurationException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options in a store URI's query ({@code ?name=value&…}), for a {@link StateStoreProvider}:
 * decoded once, in their order, each error naming the option and the URI. Immutable.
 */
public final class StoreUriOptions {
    private final URI uri;
    private final String what;
    private final Map<String, String> options;

    private StoreUriOptions(URI uri, String what, Map<String, String> options) {
        this.uri = uri;
        this.what = what;
        this.options = Collections.unmodifiableMap(options);
    }

    /**
     * Parses the query of {@code uri}; {@code what} names the URI in messages ("S3 store URI").
     * Names and values are decoded as form data ({@code %XX} escapes in UTF-8, {@code +} as a
     * space; {@link URI} has already refused malformed escapes); a name given twice keeps its
     * first place and its last value.
     *
     * @param uri  the store URI, whose raw query is parsed (none: no options)
     * @param what what the URI is, for messages, e.g. {@code S3 store URI}
     * @return the options
     * @throws ConfigurationException for a pair without a name or an {@code =} (also an empty
     *                                pair, as in {@code a=1&&b=2}), naming it and the URI
     */
    public static StoreUriOptions of(URI uri, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigurationException("malformed option \"" + pair + "\" in " + what + " " + uri);
                }
                out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return new StoreUriOptions(uri, what, out);
    }

    /**
     * Every option, name to decoded value, in the URI's order.
     *
     * @return an unmodifiable map; empty when the URI has no query
     */
    public Map<String, String> asMap() {
        return options;
    }

    /**
     * The option's value as a positive whole number.
     *
     * @param name  the option's name, for the message
     * @param value the option's value (usually from {@link #asMap()}), parsed as a decimal {@code int}
     * @return {@code value} as a number, at least 1
     * @throws ConfigurationException naming the option, its value and the URI otherwise
     */
    public int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigurationException("option " + name + "=" + value + " in " + what + " " + uri
                + " is not a positive whole number");
    }

    /**
     * The option's value as an absolute URI (an endpoint).
     *
     * @param name  the option's name, for the message
     * @param value the option's value
     * @return {@code value} as a URI with a scheme and a host
     * @throws ConfigurationException naming the option, its value and the URI otherwise
     */
    public URI uri(String name, String value) {
        try {
            URI parsed = new URI(value);
            if (parsed.getScheme() != null && parsed.getHost() != null) {
                return parsed;
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw new ConfigurationException("option " + name + "=" + value + " in " + what + " " + uri
                + " is not an absolute URI such as https://host:port");
    }

    /**
     * The option's value as a flag.
     *
     * @param name  the option's name, for the message
     * @param value the option's value
     * @return true for {@code true}, false for {@code false} (ignoring case)
     * @throws ConfigurationException naming the option, its value and the URI for anything else
     */
    public boolean flag(String name, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigurationException("option " + name + "=" + value + " in " + what + " " + uri
                + ": use " + name + "=true or " + name + "=false");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
