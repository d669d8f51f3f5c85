package run.alchemy.api.spi;

import run.alchemy.api.ConfigurationException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options in a store URI's query ({@code ?name=value&…}), for a {@link StateStoreProvider}:
 * decoded once, in their order, each error naming the option and the URI as {@link #describe}
 * shows it. Immutable.
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
            String[] pairs = raw.split("&");
            for (int i = 0; i < pairs.length; i++) {
                String pair = pairs[i];
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    // the pair itself is not shown: a value without a name may be a token pasted in by mistake
                    throw new ConfigurationException("malformed option " + (i + 1) + " (" + (eq < 0 ? "no \"=\"" : "no name")
                            + ") in " + what + " " + describe(uri) + ": options are name=value pairs joined by &");
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
        throw new ConfigurationException("option " + name + "=" + value + " in " + what + " " + describe(uri)
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
        throw new ConfigurationException("option " + name + "=" + describe(value) + " in " + what + " "
                + describe(uri) + " is not an absolute URI such as https://host:port");
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
        throw new ConfigurationException("option " + name + "=" + value + " in " + what + " " + describe(uri)
                + ": use " + name + "=true or " + name + "=false");
    }

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
    /** Query options whose value is not shown by {@link #describe}. */
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(token|secret|password|passwd|credential|key|auth"
            + "|signature).*");

    /**
     * {@code uri} for messages and {@code toString()}: any user info ({@code user:password@}) is
     * shown as {@code …@} and the values of options named like a credential (token, secret,
     * password, key, …; not {@code …-env}, which name a variable), of options without a name, and
     * options without a value as {@code …}; a fragment is left out. Stores take credentials from the
     * environment, never from the URI, but a URI written by mistake with one in it must not be
     * printed: every message that names a store URI names it through this.
     *
     * @param uri a store URI
     * @return the URI as it may be printed or logged
     */
    public static String describe(URI uri) {
        return describe(uri.toString());
    }

    /**
     * {@link #describe(URI)} for a URI as text, valid or not (an invalid one is shown as its scheme alone).
     *
     * @param uri a store URI, valid or not
     * @return the URI as it may be printed or logged
     */
    public static String describe(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            Matcher scheme = SCHEME.matcher(uri);
            return (scheme.lookingAt() ? scheme.group() : "") + "… (an invalid URI)";
        }
        if (parsed.isOpaque()) { // fs:DIR, mem:NAME: no user info; a query is not parsed
            String ssp = parsed.getRawSchemeSpecificPart();
            int q = ssp.indexOf('?');
            return parsed.getScheme() + ":" + (q < 0 ? ssp : ssp.substring(0, q) + "?" + redactQuery(ssp.substring(q + 1)));
        }
        StringBuilder out = new StringBuilder();
        if (parsed.getScheme() != null) {
            out.append(parsed.getScheme()).append(':');
        }
        if (parsed.getRawAuthority() != null) {
            out.append("//");
            if (parsed.getRawUserInfo() != null) {
                out.append("…@");
            }
            if (parsed.getHost() != null) {
                out.append(parsed.getHost());
                if (parsed.getPort() >= 0) {
                    out.append(':').append(parsed.getPort());
                }
            } else {
                String authority = parsed.getRawAuthority();
                out.append(authority.substring(authority.lastIndexOf('@') + 1));
            }
        }
        if (parsed.getRawPath() != null) {
            out.append(parsed.getRawPath());
        }
        if (parsed.getRawQuery() != null) {
            out.append('?').append(redactQuery(parsed.getRawQuery()));
        }
        return out.toString();
    }

    private static String redactQuery(String query) {
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? "" : pair.substring(0, eq);
            // a value without a name is shown no more than a name without a value: either may be a pasted token
            boolean sensitive = name.isEmpty()
                    || SENSITIVE.matcher(name).matches() && !name.toLowerCase(Locale.ROOT).endsWith("-env");
            out.append(eq < 0 ? "…" : name + "=" + (sensitive ? "…" : pair.substring(eq + 1)));
        }
        return out.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
