package run.alchemy.store.durable.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import run.alchemy.api.ConfigurationException;
import run.alchemy.cloudflare.CloudflareApi;
import run.alchemy.cloudflare.CloudflareApi.Answer;
import run.alchemy.cloudflare.CloudflareApi.Op;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Puts our worker on Cloudflare as Alchemy's {@code DOStateStore} provisions its own (spec §6.4),
 * through the Workers API: {@code GET /accounts/{account}/workers/scripts/{name}/settings} (404:
 * absent); unless the script is there with this version's tag (and no {@code force}), {@code PUT
 * …/scripts/{name}} as multipart form data, the script part plus a {@code metadata} part with the
 * Durable Object binding, the token as a {@code secret_text} binding, the SQLite class migration
 * (only for a new script: a class is created once) and the tag; then {@code POST
 * …/scripts/{name}/subdomain} and {@code GET /accounts/{account}/workers/subdomain} give
 * {@code https://<name>.<subdomain>.workers.dev}. A script of that name that is not ours (no tag
 * of ours: Alchemy's DOFS worker has the same default name) is never replaced: its Durable Objects
 * hold someone's state. Requests go through the shared client, whose messages never repeat a
 * request's body, so the token in the metadata part stays out of every error.
 */
public final class WorkerProvisioner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType MODULE = MediaType.get("application/javascript+module");
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    /** A workers.dev host label: the name becomes {@code <name>.<subdomain>.workers.dev}. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    /** Where the worker answers, and whether this run uploaded it (a fresh upload may take a moment to serve). */
    public record Deployed(HttpUrl url, boolean uploaded) {
    }

    private final CloudflareApi api;
    private final String account;
    private final String name;
    private final WorkerScript script;

    public WorkerProvisioner(CloudflareApi api, String account, String name, WorkerScript script) {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException("Durable Object store: the worker name \"" + name + "\" is not a valid"
                    + " workers.dev host name: use 1 to 63 lowercase letters, digits and dashes, not starting or ending"
                    + " with a dash (default alchemy-state)");
        }
        this.api = api;
        this.account = account;
        this.name = name;
        this.script = script;
    }

    /** Uploads the worker if needed, then enables and finds its workers.dev URL. */
    public Deployed deploy(String token, boolean force) {
        JsonNode settings = settings();
        boolean present = settings != null;
        if (present && !isOurs(settings)) {
            throw new ConfigurationException("Durable Object store: a worker named \"" + name + "\" already exists in"
                    + " account " + account + " and is not alchemy-java's state store (its tags: " + settings.path("tags")
                    + "); replacing it would strand the Durable Objects it holds. Provision another name (do://OTHER),"
                    + " or, if it is Alchemy's DOFS worker, open it by URL (do+https://HOST: snapshots only)");
        }
        boolean uploaded = !present || force || !hasTag(settings, script.tag());
        if (uploaded) {
            upload(token, !present);
        }
        return new Deployed(workersDevUrl(), uploaded);
    }

    /** The script's settings ({@code result}), or null when there is no script of that name. */
    private JsonNode settings() {
        Answer a = api.send(op("read the settings of worker"), new Request.Builder()
                .url(script("settings").build()).get(), Set.of(404));
        return a.status() == 404 ? null : result(a, "the settings of worker");
    }

    private static boolean hasTag(JsonNode settings, String tag) {
        for (JsonNode t : settings.path("tags")) {
            if (t.asText("").equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some version of our worker put the script there: a tag of ours, of whichever version. */
    private static boolean isOurs(JsonNode settings) {
        for (JsonNode t : settings.path("tags")) {
            if (t.asText("").startsWith(WorkerScript.TAG_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    private void upload(String token, boolean migrate) {
        MultipartBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart(WorkerScript.MAIN_MODULE, WorkerScript.MAIN_MODULE, RequestBody.create(script.source(), MODULE))
                .addFormDataPart("metadata", null, RequestBody.create(metadata(token, migrate), JSON_TYPE))
                .build();
        api.send(op("upload worker"), new Request.Builder().url(script().build()).put(body), Set.of());
    }

    /** The upload's {@code metadata} part; it carries the token, so it goes nowhere but the request body. */
    private byte[] metadata(String token, boolean migrate) {
        ObjectNode m = JSON.createObjectNode();
        m.put("main_module", WorkerScript.MAIN_MODULE);
        m.put("compatibility_date", WorkerScript.COMPATIBILITY_DATE);
        ArrayNode flags = m.putArray("compatibility_flags");
        WorkerScript.COMPATIBILITY_FLAGS.forEach(flags::add);
        ArrayNode bindings = m.putArray("bindings");
        bindings.addObject().put("name", WorkerScript.NAMESPACE_BINDING).put("type", "durable_object_namespace")
                .put("class_name", WorkerScript.CLASS_NAME);
        bindings.addObject().put("name", WorkerScript.TOKEN_BINDING).put("type", "secret_text").put("text", token);
        if (migrate) {
            m.putObject("migrations").putArray("new_sqlite_classes").add(WorkerScript.CLASS_NAME);
        }
        m.putArray("tags").add(script.tag());
        m.putObject("observability").put("enabled", true); // as Alchemy's: the worker's logs in the dashboard
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the worker's metadata", e);
        }
    }

    /**
     * Enables the script on workers.dev and builds its URL from the account's subdomain. The body
     * is the documented {@code {"enabled", "previews_enabled"}}; Alchemy sends
     * {@code preview_enabled}, which the API does not know.
     */
    private HttpUrl workersDevUrl() {
        byte[] enable = "{\"enabled\":true,\"previews_enabled\":false}".getBytes(StandardCharsets.UTF_8);
        api.send(op("enable workers.dev for worker"), new Request.Builder().url(script("subdomain").build())
                .post(RequestBody.create(enable, JSON_TYPE)), Set.of());
        Answer a = api.send(new Op("read the workers.dev subdomain", "of account " + account), new Request.Builder()
                .url(api.url("accounts", account, "workers", "subdomain").build()).get(), Set.of(404));
        String subdomain = a.status() == 404 ? "" : result(a, "the workers.dev subdomain").path("subdomain").asText("");
        if (subdomain.isEmpty()) {
            throw new ConfigurationException("Durable Object store: account " + account + " has no workers.dev subdomain"
                    + " yet: choose one in the Cloudflare dashboard (Workers & Pages), then provision again");
        }
        HttpUrl url = HttpUrl.parse("https://" + name + "." + subdomain + ".workers.dev");
        if (url == null) {
            throw new ConfigurationException("Durable Object store: the workers.dev subdomain \"" + subdomain
                    + "\" of account " + account + " does not make a URL");
        }
        return url;
    }

    private JsonNode result(Answer a, String what) {
        JsonNode envelope = a.envelope();
        if (envelope == null || !envelope.path("result").isObject()) {
            throw new ConfigurationException("Durable Object store: Cloudflare's answer with " + what + " \"" + name
                    + "\" is not the API's JSON envelope (" + a.status() + ", " + a.body().length + " bytes)");
        }
        return envelope.path("result");
    }

    private HttpUrl.Builder script(String... more) {
        HttpUrl.Builder url = api.url("accounts", account, "workers", "scripts", name);
        for (String segment : more) {
            url.addPathSegment(segment);
        }
        return url;
    }

    private Op op(String operation) {
        return new Op(operation, "\"" + name + "\" in account " + account);
    }

    @Override
    public String toString() {
        return "WorkerProvisioner[" + name + " in account " + account + ", " + script.tag() + "]";
    }
}
