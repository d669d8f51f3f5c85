package run.alchemy.engine.internal.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Phase;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events as one-line JSON documents: {@code {"v":1,"type":"created","time":…,"run":…,…}}. The
 * position is not stored: the log gives it. A resource event carries the snapshot text exactly as
 * projected, so that replay writes the very same bytes.
 */
public final class EventCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventCodec() {
    }

    /**
     * The stored name of a resource event's type. These strings are the log format: never rename
     * one (EventCodecTest holds the table).
     */
    static String wire(Type type) {
        return switch (type) {
            case DECLARED -> "declared";
            case CREATING -> "creating";
            case CREATED -> "created";
            case UPDATING -> "updating";
            case UPDATED -> "updated";
            case REPLACED -> "replaced";
            case DELETED -> "deleted";
            case EXTERNAL_CHANGE -> "external-change";
            case IMPORTED -> "imported";
            case FORGOTTEN -> "forgotten";
            case MOVED -> "moved";
            case RESTORED -> "restored";
        };
    }

    /**
     * The type a stored name names, or null when it names none. Logs written before
     * {@link Type#DECLARED} existed call the initial record {@code creating} too; it reads as
     * {@link Type#CREATING}.
     */
    static Type type(String wire) {
        return switch (wire) {
            case "declared" -> Type.DECLARED;
            case "creating" -> Type.CREATING;
            case "created" -> Type.CREATED;
            case "updating" -> Type.UPDATING;
            case "updated" -> Type.UPDATED;
            case "replaced" -> Type.REPLACED;
            case "deleted" -> Type.DELETED;
            case "external-change" -> Type.EXTERNAL_CHANGE;
            case "imported" -> Type.IMPORTED;
            case "forgotten" -> Type.FORGOTTEN;
            case "moved" -> Type.MOVED;
            case "restored" -> Type.RESTORED;
            default -> null;
        };
    }

    public static byte[] encode(Event event) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", Event.SCHEMA);
        if (event instanceof ResourceEvent r) {
            o.put("type", wire(r.type()));
            common(o, r);
            ArrayNode chain = o.putArray("chain");
            r.chain().forEach(chain::add);
            o.put("id", r.id());
            o.put("kind", r.kind());
            if (r.snapshot() != null) {
                o.put("snapshot", r.snapshot());
            }
        } else if (event instanceof RunStarted s) {
            o.put("type", "run-started");
            common(o, s);
            o.put("actor", s.actor());
            o.put("pid", s.pid());
            o.put("phase", s.phase().name().toLowerCase());
            o.put("program", s.program());
            if (s.message() != null) {
                o.put("message", s.message());
            }
            if (s.commit() != null) {
                o.put("commit", s.commit());
            }
        } else if (event instanceof RunFinished f) {
            o.put("type", "run-finished");
            common(o, f);
            o.put("outcome", f.succeeded() ? "succeeded" : "failed");
            o.put("durationMs", f.durationMillis());
            o.put("created", f.created());
            o.put("updated", f.updated());
            o.put("replaced", f.replaced());
            o.put("deleted", f.deleted());
            o.put("skipped", f.skipped());
            o.put("failed", f.failed());
            if (f.failure() != null) {
                o.put("failure", f.failure());
            }
        } else if (event instanceof Checkpoint c) {
            o.put("type", "checkpoint");
            common(o, c);
            ObjectNode snapshots = o.putObject("snapshots");
            c.snapshots().forEach(snapshots::put);
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void common(ObjectNode o, Event e) {
        o.put("time", e.time().toString());
        o.put("run", e.runId());
    }

    private static final com.fasterxml.jackson.core.JsonFactory FACTORY = JSON.getFactory();

    /**
     * Reads one event. A streaming parse (no tree): replay and history read every event of a log,
     * so this is the inner loop of a fold.
     */
    public static Event decode(long position, byte[] bytes, String where) {
        int schema = -1;
        String type = null;
        String time = null;
        String run = null;
        String id = null;
        String kind = null;
        String snapshot = null;
        List<String> chain = new ArrayList<>(4);
        Map<String, String> snapshots = null;
        Map<String, String> fields = null; // only run events have other fields
        try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new java.io.IOException("not an object");
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken t = p.nextToken();
                switch (name) {
                    case "v" -> schema = p.getIntValue();
                    case "type" -> type = p.getText();
                    case "time" -> time = p.getText();
                    case "run" -> run = p.getText();
                    case "id" -> id = p.getText();
                    case "kind" -> kind = p.getText();
                    case "snapshot" -> snapshot = p.getText();
                    case "chain" -> {
                        if (t != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                            throw new java.io.IOException("\"chain\" is not an array");
                        }
                        for (t = p.nextToken(); t != com.fasterxml.jackson.core.JsonToken.END_ARRAY; t = p.nextToken()) {
                            if (t == null || !t.isScalarValue()) {
                                throw new java.io.IOException("\"chain\" holds something other than names");
                            }
                            chain.add(p.getText());
                        }
                    }
                    case "snapshots" -> {
                        if (t != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                            throw new java.io.IOException("\"snapshots\" is not an object");
                        }
                        snapshots = new LinkedHashMap<>();
                        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            if (!p.nextToken().isScalarValue()) {
                                throw new java.io.IOException("snapshot \"" + key + "\" is not a hash");
                            }
                            snapshots.put(key, p.getText());
                        }
                    }
                    default -> {
                        if (t.isStructStart()) {
                            p.skipChildren();
                        } else {
                            if (fields == null) {
                                fields = new java.util.HashMap<>();
                            }
                            fields.put(name, p.getText());
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new StateCorruptedException(where + " at position " + position, "unreadable event: " + e.getMessage());
        }
        if (schema != Event.SCHEMA) {
            throw new StateCorruptedException(where + " at position " + position, "event schema " + schema
                    + " is not supported by this version (expected " + Event.SCHEMA + ")");
        }
        if (type == null || time == null) {
            throw new StateCorruptedException(where + " at position " + position, "event without type or time");
        }
        try {
            return event(position, type, parseInstant(time), run, id, kind, snapshot, chain, snapshots,
                    fields == null ? Map.of() : fields, where);
        } catch (java.time.DateTimeException | IllegalArgumentException e) { // NumberFormatException too
            throw new StateCorruptedException(where + " at position " + position, "unreadable \"" + type + "\" event: "
                    + e.getMessage());
        }
    }

    private static Event event(long position, String type, Instant at, String run, String id, String kind,
                               String snapshot, List<String> chain, Map<String, String> snapshots,
                               Map<String, String> fields, String where) {
        switch (type) {
            case "run-started":
                return new RunStarted(position, at, run, fields.get("actor"), Long.parseLong(fields.getOrDefault("pid", "0")),
                        Phase.valueOf(fields.getOrDefault("phase", "up").toUpperCase(java.util.Locale.ROOT)), fields.get("program"),
                        fields.get("message"), fields.get("commit"));
            case "run-finished":
                return new RunFinished(position, at, run, "succeeded".equals(fields.get("outcome")),
                        Long.parseLong(fields.getOrDefault("durationMs", "0")), count(fields, "created"),
                        count(fields, "updated"), count(fields, "replaced"), count(fields, "deleted"),
                        count(fields, "skipped"), count(fields, "failed"), fields.get("failure"));
            case "checkpoint":
                return new Checkpoint(position, at, run, snapshots == null ? Map.of() : snapshots);
            default:
                Type t = type(type);
                if (t == null) {
                    throw new StateCorruptedException(where + " at position " + position, "unknown event type \"" + type + "\"");
                }
                if (id == null || kind == null) {
                    throw new StateCorruptedException(where + " at position " + position, "\"" + type
                            + "\" event without id or kind");
                }
                return new ResourceEvent(position, at, run, t, chain, id, kind,
                        t == Type.DELETED || t == Type.FORGOTTEN ? null : snapshot);
        }
    }

    /** {@code Instant.toString()} text read back; the common {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} form without a formatter. */
    static Instant parseInstant(String t) {
        int n = t.length();
        if (n >= 20 && t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == 'T' && t.charAt(13) == ':'
                && t.charAt(16) == ':' && t.charAt(n - 1) == 'Z') {
            try {
                long day = java.time.LocalDate.of(digits(t, 0, 4), digits(t, 5, 7), digits(t, 8, 10)).toEpochDay();
                long seconds = day * 86_400 + digits(t, 11, 13) * 3600L + digits(t, 14, 16) * 60L + digits(t, 17, 19);
                int nanos = 0;
                if (n > 20 && t.charAt(19) == '.') {
                    String frac = t.substring(20, n - 1);
                    nanos = digits(frac + "000000000".substring(frac.length()), 0, 9);
                }
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (RuntimeException e) {
                // fall through to the general parser
            }
        }
        return Instant.parse(t);
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException(s);
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int count(Map<String, String> fields, String name) {
        return Integer.parseInt(fields.getOrDefault(name, "0"));
    }

    /** A record's address in checkpoints and the index: a JSON array of strings, the chain, then the id. */
    public static String key(List<String> chain, String id) {
        StringBuilder out = new StringBuilder(64).append('[');
        for (String name : chain) {
            if (!plain(name)) {
                return jsonKey(chain, id);
            }
            out.append('"').append(name).append("\",");
        }
        if (!plain(id)) {
            return jsonKey(chain, id);
        }
        return out.append('"').append(id).append("\"]").toString();
    }

    private static String jsonKey(List<String> chain, String id) {
        ArrayNode a = JSON.createArrayNode();
        chain.forEach(a::add);
        a.add(id);
        return a.toString();
    }

    /** Needs no escaping in a JSON string. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                return false;
            }
        }
        return true;
    }

    /** The chain and id of {@link #key}; a stage's index holds one per record, so escapes alone take the parser. */
    public static Map.Entry<List<String>, String> parseKey(String key) {
        if (key.length() >= 4 && key.startsWith("[\"") && key.endsWith("\"]") && key.indexOf('\\') < 0) {
            String[] parts = key.substring(2, key.length() - 2).split("\",\"", -1);
            return Map.entry(List.of(Arrays.copyOf(parts, parts.length - 1)), parts[parts.length - 1]);
        }
        try {
            JsonNode a = JSON.readTree(key);
            List<String> chain = new ArrayList<>();
            for (int i = 0; i < a.size() - 1; i++) {
                chain.add(a.get(i).asText());
            }
            return Map.entry(List.copyOf(chain), a.get(a.size() - 1).asText());
        } catch (JsonProcessingException e) {
            throw new StateCorruptedException("checkpoint", "bad record key " + key);
        }
    }
}
