package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.DestroyStrategy;
import run.alchemy.api.StateCorruptedException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/** State records with the fields and key orders Alchemy 0.94 writes (spec §2.3). */
final class Records {
    static final String SCOPE_KIND = "alchemy::Scope";
    static final String KIND = "Symbol(alchemy::ResourceKind)";
    static final String ID = "Symbol(alchemy::ResourceID)";
    static final String FQN = "Symbol(alchemy::ResourceFQN)";
    static final String SCOPE = "Symbol(alchemy::ResourceScope)";
    static final String SEQ = "Symbol(alchemy::ResourceSeq)";
    static final String DESTROY_STRATEGY = "Symbol(alchemy::DestroyStrategy)";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final byte[] PENDING_DELETIONS = "pendingDeletions".getBytes(StandardCharsets.US_ASCII);

    private Records() {
    }

    /** Step 1: the first write of a new resource, before its provider runs. */
    static ObjectNode initial(String kind, String id, String fqn, int seq, DestroyStrategy strategy) {
        ObjectNode r = NODES.objectNode();
        r.put("kind", kind);
        r.put("id", id);
        r.put("fqn", fqn);
        r.put("seq", seq);
        r.put("status", Status.CREATING.wireName());
        r.set("data", NODES.objectNode());
        r.set("output", scopeStyleOutput(kind, id, fqn, seq, strategy));
        r.set("props", NODES.objectNode());
        return r;
    }

    /** Step 3: a fresh record after the provider succeeded; no {@code oldProps}. */
    static ObjectNode settled(String kind, String id, String fqn, int seq, JsonNode data, Status status,
                              JsonNode providerOutput, JsonNode props) {
        ObjectNode r = NODES.objectNode();
        r.put("kind", kind);
        r.put("id", id);
        r.put("fqn", fqn);
        r.put("seq", seq);
        r.set("data", data == null ? NODES.objectNode() : data);
        r.put("status", status.wireName());
        ObjectNode output = NODES.objectNode();
        output.put(KIND, kind);
        output.put(ID, id);
        output.put(FQN, fqn);
        output.set(SCOPE, scopeMarker());
        output.put(SEQ, seq);
        if (providerOutput != null) {
            providerOutput.properties().forEach((Map.Entry<String, JsonNode> e) -> {
                if (!output.has(e.getKey())) {
                    output.set(e.getKey(), e.getValue());
                }
            });
        }
        r.set("output", output);
        if (props != null) {
            r.set("props", props);
        }
        return r;
    }

    /** Step 4: the record of a named child scope ({@code alchemy.run}). */
    static ObjectNode runScope(String id, int seq) {
        ObjectNode r = NODES.objectNode();
        r.put("kind", SCOPE_KIND);
        r.put("id", id);
        r.put("seq", seq);
        r.set("data", NODES.objectNode());
        r.put("fqn", "");
        r.set("props", NODES.objectNode());
        r.put("status", Status.CREATED.wireName());
        r.set("output", scopeStyleOutput(SCOPE_KIND, id, "", seq, DestroyStrategy.SEQUENTIAL));
        return r;
    }

    /** Step 5: the stage's own record in the app directory, made when the stage first stores data. */
    static ObjectNode stage(String stage, String fqn, int seq, int outputSeq) {
        ObjectNode r = NODES.objectNode();
        r.put("kind", SCOPE_KIND);
        r.put("id", stage);
        r.put("fqn", fqn);
        r.put("seq", seq);
        r.put("status", Status.CREATED.wireName());
        r.set("data", NODES.objectNode());
        r.set("output", scopeStyleOutput(SCOPE_KIND, stage, fqn, outputSeq, DestroyStrategy.SEQUENTIAL));
        r.set("props", NODES.objectNode());
        return r;
    }

    private static ObjectNode scopeStyleOutput(String kind, String id, String fqn, int seq, DestroyStrategy s) {
        ObjectNode o = NODES.objectNode();
        o.put(ID, id);
        o.put(FQN, fqn);
        o.put(KIND, kind);
        o.set(SCOPE, scopeMarker());
        o.put(SEQ, seq);
        o.put(DESTROY_STRATEGY, s.wireName());
        return o;
    }

    private static ObjectNode scopeMarker() {
        ObjectNode m = NODES.objectNode();
        m.putNull("@scope");
        return m;
    }

    /**
     * A record renamed in place for a move (its key order kept): {@code id} and {@code fqn} (§2.1), and
     * the output's {@code Symbol(alchemy::ResourceID)} and {@code Symbol(alchemy::ResourceFQN)} (§2.4)
     * where the record has them. An empty fqn (the records {@code alchemy.run} writes, §2.3 step 4)
     * stays empty. {@code seq} and everything else are left as they are.
     */
    static void rename(ObjectNode record, String id, String fqn) {
        renameIn(record, "id", "fqn", id, fqn);
        if (record.get("output") instanceof ObjectNode output) {
            renameIn(output, ID, FQN, id, fqn);
        }
    }

    private static void renameIn(ObjectNode node, String idField, String fqnField, String id, String fqn) {
        if (node.path(idField).isTextual()) {
            node.put(idField, id);
        }
        JsonNode f = node.get(fqnField);
        if (f != null && f.isTextual() && !f.textValue().isEmpty()) {
            node.put(fqnField, fqn);
        }
    }

    static String text(ObjectNode record, String field, String location) {
        return text(record, field, () -> location);
    }

    static Status status(ObjectNode record, String location) {
        return status(record, () -> location);
    }

    /** As {@link #status(ObjectNode, String)}; the location, needed only for the error, is made only then. */
    static Status status(ObjectNode record, Supplier<String> location) {
        String s = text(record, "status", location);
        try {
            return Status.fromWireName(s);
        } catch (IllegalArgumentException e) {
            throw new StateCorruptedException(location.get(), "unknown status \"" + s + "\"");
        }
    }

    private static String text(ObjectNode record, String field, Supplier<String> location) {
        JsonNode v = record.get(field);
        if (v == null || !v.isTextual()) {
            throw new StateCorruptedException(location.get(), "field \"" + field + "\" is missing or not a string");
        }
        return v.textValue();
    }

    /** Destroy order key: the output's seq as Alchemy sorts by it, else the record's. */
    static double destroySeq(ObjectNode record) {
        JsonNode output = record.get("output");
        JsonNode seq = output != null && output.has(SEQ) ? output.get(SEQ) : record.get("seq");
        return seq != null && seq.isNumber() ? seq.doubleValue() : Double.NEGATIVE_INFINITY;
    }

    /**
     * Whether a record's bytes may hold a {@code data.pendingDeletions} queue: they name it, or
     * hold a Unicode escape (a backslash and a {@code u}), which could spell the key. False means
     * certainly not, without a parse.
     */
    static boolean mayQueueDeletions(byte[] json) {
        int last = json.length - PENDING_DELETIONS.length;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (b == '\\' && i + 1 < json.length && json[i + 1] == 'u') {
                return true;
            }
            if (b == 'p' && i <= last && Arrays.equals(json, i, i + PENDING_DELETIONS.length,
                    PENDING_DELETIONS, 0, PENDING_DELETIONS.length)) {
                return true;
            }
        }
        return false;
    }
}
