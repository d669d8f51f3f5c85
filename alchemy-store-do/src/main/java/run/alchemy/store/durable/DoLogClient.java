package run.alchemy.store.durable;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.StoreException;
import run.alchemy.store.durable.internal.RpcClient;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The storage layer's log primitives for one stage (one Durable Object) on alchemy-java's worker:
 * an append-only sequence of opaque records at positions 1, 2, …, and small named control objects
 * with versions. Knows nothing of events, leases or marks: those are the engine's.
 *
 * <p>Each mutating call carries a request id, the same on every retry: when an answer is lost and
 * the call is retried, the worker answers the retry with what the first attempt did, so an append
 * or create that happened is never reported as lost to a competitor.
 */
public final class DoLogClient {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder UNB64 = Base64.getDecoder();

    private final RpcClient rpc;
    private final String app;
    private final String stage;

    DoLogClient(RpcClient rpc, String app, String stage) {
        this.rpc = rpc;
        this.app = Objects.requireNonNull(app, "app");
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    /** The outcome of an append: refused (the head had moved) or done; the head after it either way. */
    public record Appended(boolean appended, long head) {
    }

    /** A record of the log and its position. */
    public record Entry(long position, byte[] data) {
    }

    /** Records after a position, in order; {@code more} when the log holds further ones. */
    public record Page(List<Entry> entries, boolean more) {
        public Page {
            entries = List.copyOf(entries);
        }
    }

    /** A control object's bytes and version (versions never repeat for a stage, across deletes). */
    public record Control(byte[] data, long version) {
    }

    /** The outcome of a conditional write: whether it happened, and the version now (empty when absent). */
    public record Written(boolean written, OptionalLong version) {
    }

    /** A control object's name and version, as listed. */
    public record Listed(String name, long version) {
    }

    /** Whether the stage has a log: true once anything was appended. Creates nothing. */
    public boolean exists() {
        return call("logExists", null).asBoolean();
    }

    /** The position of the last record appended, 0 for none. */
    public long head() {
        return position(call("logHead", null), "head");
    }

    /**
     * Appends {@code records} at positions {@code expectedHead + 1 …}, all or none, if the head is
     * still {@code expectedHead}; otherwise appends nothing and reports the head it found.
     */
    public Appended append(long expectedHead, List<byte[]> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("append needs at least one record");
        }
        JsonNode r = mutate("logAppend", g -> {
            g.writeStringField("expectedHead", Long.toString(expectedHead));
            g.writeArrayFieldStart("records");
            for (byte[] record : records) {
                g.writeString(B64.encodeToString(record));
            }
            g.writeEndArray();
        });
        return new Appended(r.path("appended").asBoolean(), position(r.path("head"), "head"));
    }

    /** Up to {@code limit} records after position {@code after} (the worker may return fewer: 8 MiB a page). */
    public Page read(long after, int limit) {
        JsonNode r = call("logRead", g -> {
            g.writeStringField("after", Long.toString(after));
            g.writeNumberField("limit", limit);
        });
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : r.path("records")) {
            entries.add(new Entry(position(e.path("position"), "position"), UNB64.decode(e.path("data").asText())));
        }
        return new Page(entries, r.path("more").asBoolean());
    }

    /** Every record after {@code after}, reading page after page. */
    public List<Entry> readAll(long after) {
        List<Entry> all = new ArrayList<>();
        long from = after;
        while (true) {
            Page page = read(from, 1000);
            all.addAll(page.entries());
            if (!page.more() || page.entries().isEmpty()) {
                return all;
            }
            from = page.entries().get(page.entries().size() - 1).position();
        }
    }

    /** Removes the records below {@code position}; the head stays. Beyond head + 1 is refused. */
    public void dropBelow(long position) {
        mutate("logDropBelow", g -> g.writeStringField("position", Long.toString(position)));
    }

    public Optional<Control> controlGet(String name) {
        JsonNode r = call("controlGet", g -> g.writeStringField("name", name));
        if (r.isMissingNode() || r.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new Control(UNB64.decode(r.path("data").asText()), position(r.path("version"), "version")));
    }

    /** Creates the object if there is none: of two concurrent creates exactly one gets {@code written}. */
    public Written controlCreate(String name, byte[] data) {
        JsonNode r = mutate("controlCreate", g -> {
            g.writeStringField("name", name);
            g.writeStringField("data", B64.encodeToString(data));
        });
        return new Written(r.path("created").asBoolean(), OptionalLong.of(position(r.path("version"), "version")));
    }

    /** Replaces the object; with {@code ifVersion}, only while that is still its version. */
    public Written controlPut(String name, byte[] data, OptionalLong ifVersion) {
        JsonNode r = mutate("controlPut", g -> {
            g.writeStringField("name", name);
            g.writeStringField("data", B64.encodeToString(data));
            if (ifVersion.isPresent()) {
                g.writeStringField("ifVersion", Long.toString(ifVersion.getAsLong()));
            }
        });
        JsonNode v = r.path("version");
        return new Written(r.path("written").asBoolean(),
                v.isTextual() ? OptionalLong.of(position(v, "version")) : OptionalLong.empty());
    }

    /** Deletes the object (with {@code ifVersion}, only at that version); whether one was deleted. */
    public boolean controlDelete(String name, OptionalLong ifVersion) {
        return mutate("controlDelete", g -> {
            g.writeStringField("name", name);
            if (ifVersion.isPresent()) {
                g.writeStringField("ifVersion", Long.toString(ifVersion.getAsLong()));
            }
        }).asBoolean();
    }

    /** The control objects whose names start with {@code prefix}, by name. */
    public List<Listed> controlList(String prefix) {
        List<Listed> out = new ArrayList<>();
        for (JsonNode e : call("controlList", g -> g.writeStringField("prefix", prefix))) {
            out.add(new Listed(e.path("name").asText(), position(e.path("version"), "version")));
        }
        return out;
    }

    private JsonNode call(String method, RpcClient.Params params) {
        return rpc.call(app, stage, method, params == null ? g -> { } : params);
    }

    private JsonNode mutate(String method, RpcClient.Params params) {
        String requestId = UUID.randomUUID().toString();
        return call(method, g -> {
            params.write(g);
            g.writeStringField("requestId", requestId);
        });
    }

    // Positions travel as decimal text: a JSON number is a double on the worker's side.
    private long position(JsonNode text, String what) {
        try {
            return Long.parseLong(text.asText());
        } catch (NumberFormatException e) {
            throw new StoreException("Durable Object store " + rpc.where() + " answered a " + what + " that is not a"
                    + " whole number: " + text + " (" + app + "/" + stage + ")");
        }
    }

    @Override
    public String toString() {
        return "DoLogClient[" + rpc.where() + " " + app + "/" + stage + "]";
    }
}
