package run.alchemy.store.durable.internal;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.durable.internal.RpcClient.RpcException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The log of one stage (one Durable Object) on alchemy-java's worker, through its log RPC: the
 * {@link LogStore} primitives and nothing more (the lease, the mark and the index are the engine's).
 *
 * <p><b>Atomicity and durability.</b> The worker runs every call in one {@code transactionSync} of
 * the Durable Object's SQLite storage, and the platform holds a Durable Object's answer until the
 * writes it made are durable (its output gate), so an append that returned is stored and one that
 * failed stored nothing. <b>Fencing.</b> The worker compares the expected head with the stored one
 * inside that transaction; the head never goes down and {@code dropBelow} never passes it, so an
 * append whose expected head lies below a drop always finds a later head and is refused.
 * <b>Retries.</b> Each mutating call carries a request id, the same on every attempt: a retry after
 * a lost answer gets the first attempt's result, so an append or create that happened is never
 * reported as a conflict with itself.
 */
public final class DoLogStore implements LogStore {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder UNB64 = Base64.getDecoder();

    private final RpcClient rpc;
    private final String prefix;
    private final String app;
    private final String stage;
    private final int pageSize;
    /** The view {@link #open} read, until the first {@code view("")} takes it or another request drops it. */
    private final AtomicReference<View> opening = new AtomicReference<>();

    /**
     * The log of {@code app}/{@code stage} for the store with key prefix {@code prefix}: the worker
     * keeps it in a Durable Object named by all three, so stores with different prefixes on one
     * worker have separate logs, as they have separate snapshots.
     */
    public DoLogStore(RpcClient rpc, String prefix, String app, String stage, int pageSize) {
        this.rpc = rpc;
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.app = Objects.requireNonNull(app, "app");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.pageSize = pageSize;
    }

    /** Whether anything was ever appended or any control object written; creates nothing. */
    public boolean exists() {
        return call("logExists", null).asBoolean();
    }

    /** The stages of {@code app} with a log under {@code prefix}, in one request; creates nothing. */
    public static Set<String> stages(RpcClient rpc, String prefix, String app) {
        Set<String> stages = new TreeSet<>();
        // "undefined": the app's own scope, as Alchemy's client names it; the worker needs a stage
        rpc.call(app, "undefined", "logStages", g -> g.writeStringField("logPrefix", prefix))
                .forEach(s -> stages.add(s.asText()));
        return stages;
    }

    @Override
    public long head() {
        return number(call("logHead", null), "head");
    }

    /** One {@code logView} request: the worker reads the head and the control objects in one transaction. */
    @Override
    public View view(String prefix) {
        View first = opening.getAndSet(null);
        if (first != null && prefix.isEmpty()) {
            return first;
        }
        return fetchView(prefix);
    }

    /**
     * Reads the whole view once, to be answered by the next {@code view("")}: the request that
     * tells the store which worker answers (Alchemy's has no log methods) is the one the engine's
     * opening of the stage needs, so that opening costs one request instead of two.
     */
    public void open() {
        opening.set(fetchView(""));
    }

    private View fetchView(String prefix) {
        JsonNode r = call("logView", g -> g.writeStringField("prefix", prefix));
        Map<String, Control> controls = new TreeMap<>();
        for (JsonNode c : r.path("controls")) {
            String name = c.path("name").asText();
            controls.put(name, new Control(name, UNB64.decode(c.path("data").asText()), c.path("version").asText()));
        }
        return new View(number(r.path("head"), "head"), controls);
    }

    @Override
    public long append(long expectedHead, List<byte[]> records) {
        if (records.isEmpty()) {
            return expectedHead;
        }
        for (int i = 0; i < records.size(); i++) {
            for (byte b : records.get(i)) {
                if (b == '\n' || b == '\r') {
                    throw new IllegalArgumentException("record " + (i + 1) + " of a batch for " + describe()
                            + " contains a line break: a log record is one line");
                }
            }
        }
        JsonNode r = mutate("logAppend", g -> {
            g.writeStringField("expectedHead", Long.toString(expectedHead));
            g.writeArrayFieldStart("records");
            for (byte[] record : records) {
                g.writeString(B64.encodeToString(record));
            }
            g.writeEndArray();
        });
        long head = number(r.path("head"), "head");
        if (!r.path("appended").asBoolean()) {
            throw new LogConflictException("the log " + describe() + " is at " + head + ", not at " + expectedHead
                    + " as this writer expected: another writer appended first");
        }
        return head;
    }

    /**
     * Reads page after page of {@code pageSize} records (the worker also ends a page at 8 MiB).
     * Positions are dense: a gap between pages means a {@link #dropBelow} ran in between.
     */
    @Override
    public void read(long afterPosition, RecordVisitor visitor) {
        long last = afterPosition;
        boolean first = true;
        while (true) {
            long after = last;
            JsonNode r = call("logRead", g -> {
                g.writeStringField("after", Long.toString(after));
                g.writeNumberField("limit", pageSize);
            });
            JsonNode page = r.path("records");
            for (JsonNode e : page) {
                long position = number(e.path("position"), "position");
                if (!first && position != last + 1) {
                    throw new StoreException("the log " + describe() + " lost positions " + (last + 1) + ".." + (position - 1)
                            + " while being read (old records were dropped meanwhile): read it again");
                }
                first = false;
                last = position;
                if (!visitor.visit(position, UNB64.decode(e.path("data").asText()))) {
                    return;
                }
            }
            if (!r.path("more").asBoolean() || page.isEmpty()) {
                return;
            }
        }
    }

    @Override
    public void dropBelow(long position) {
        try {
            mutate("logDropBelow", g -> g.writeStringField("position", Long.toString(position)));
        } catch (RpcException e) {
            if (e.status() == 400) {
                throw new IllegalArgumentException("cannot drop below " + position + " in " + describe() + ": "
                        + e.workerMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public Optional<Control> control(String name) {
        LogStore.checkName(name);
        JsonNode r = call("controlGet", g -> g.writeStringField("name", name));
        if (r.isMissingNode() || r.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new Control(name, UNB64.decode(r.path("data").asText()), r.path("version").asText()));
    }

    @Override
    public boolean createControl(String name, byte[] bytes) {
        LogStore.checkName(name);
        return mutate("controlCreate", g -> {
            g.writeStringField("name", name);
            g.writeStringField("data", B64.encodeToString(bytes));
        }).path("created").asBoolean();
    }

    @Override
    public void putControl(String name, byte[] bytes) {
        LogStore.checkName(name);
        mutate("controlPut", g -> {
            g.writeStringField("name", name);
            g.writeStringField("data", B64.encodeToString(bytes));
        });
    }

    @Override
    public void deleteControl(String name) {
        LogStore.checkName(name);
        mutate("controlDelete", g -> g.writeStringField("name", name));
    }

    /** The worker sorts by UTF-8 bytes; sorted again here by {@link String#compareTo}, as promised. */
    @Override
    public List<String> controls(String prefix) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : call("controlList", g -> g.writeStringField("prefix", prefix))) {
            out.add(e.path("name").asText());
        }
        out.sort(null);
        return out;
    }

    @Override
    public String describe() {
        return rpc.where() + "?app=" + app + "&stage=" + stage + " (log of prefix " + prefix + ")";
    }

    private JsonNode call(String method, RpcClient.Params params) {
        if (!"logView".equals(method)) {
            // The view read at open answers only an opening that comes next: a run that waits for
            // the lock reads the lease chain first, while other runs append; its opening must see
            // the head as it is once the lock is taken, not as it was before the wait.
            opening.set(null);
        }
        return rpc.call(app, stage, method, g -> {
            g.writeStringField("logPrefix", prefix);
            if (params != null) {
                params.write(g);
            }
        });
    }

    private JsonNode mutate(String method, RpcClient.Params params) {
        String requestId = UUID.randomUUID().toString();
        return call(method, g -> {
            params.write(g);
            g.writeStringField("requestId", requestId);
        });
    }

    // Positions travel as decimal text: a JSON number is a double on the worker's side.
    private long number(JsonNode text, String what) {
        try {
            return Long.parseLong(text.asText());
        } catch (NumberFormatException e) {
            throw new StoreException("the Durable Object log " + describe() + " answered a " + what
                    + " that is not a whole number: " + text);
        }
    }

    @Override
    public String toString() {
        return "DoLogStore[" + describe() + "]";
    }
}
