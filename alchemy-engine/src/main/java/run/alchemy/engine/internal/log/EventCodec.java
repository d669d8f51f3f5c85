package run.alchemy.engine.internal.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Phase;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Created;
import run.alchemy.api.event.Creating;
import run.alchemy.api.event.Deleted;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ExternalChange;
import run.alchemy.api.event.Imported;
import run.alchemy.api.event.Replaced;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.api.event.Updated;
import run.alchemy.api.event.Updating;

import java.time.Instant;
import java.util.ArrayList;
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

    /** The kinds of resource event, by their stored names. */
    public enum Type {
        CREATING("creating"), CREATED("created"), UPDATING("updating"), UPDATED("updated"), REPLACED("replaced"),
        DELETED("deleted"), EXTERNAL_CHANGE("external-change"), IMPORTED("imported");

        final String wire;

        Type(String wire) {
            this.wire = wire;
        }
    }

    private EventCodec() {
    }

    public static ResourceEvent resource(Type type, long position, Instant time, String runId, List<String> chain,
                                         String id, String kind, String snapshot) {
        return switch (type) {
            case CREATING -> new Creating(position, time, runId, chain, id, kind, snapshot);
            case CREATED -> new Created(position, time, runId, chain, id, kind, snapshot);
            case UPDATING -> new Updating(position, time, runId, chain, id, kind, snapshot);
            case UPDATED -> new Updated(position, time, runId, chain, id, kind, snapshot);
            case REPLACED -> new Replaced(position, time, runId, chain, id, kind, snapshot);
            case DELETED -> new Deleted(position, time, runId, chain, id, kind, null);
            case EXTERNAL_CHANGE -> new ExternalChange(position, time, runId, chain, id, kind, snapshot);
            case IMPORTED -> new Imported(position, time, runId, chain, id, kind, snapshot);
        };
    }

    public static Type typeOf(ResourceEvent e) {
        if (e instanceof Creating) {
            return Type.CREATING;
        } else if (e instanceof Created) {
            return Type.CREATED;
        } else if (e instanceof Updating) {
            return Type.UPDATING;
        } else if (e instanceof Updated) {
            return Type.UPDATED;
        } else if (e instanceof Replaced) {
            return Type.REPLACED;
        } else if (e instanceof Deleted) {
            return Type.DELETED;
        } else if (e instanceof ExternalChange) {
            return Type.EXTERNAL_CHANGE;
        }
        return Type.IMPORTED;
    }

    public static byte[] encode(Event event) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", Event.SCHEMA);
        if (event instanceof ResourceEvent r) {
            o.put("type", typeOf(r).wire);
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
        } else if (event instanceof RunFinished f) {
            o.put("type", "run-finished");
            common(o, f);
            o.put("outcome", f.outcome());
            o.put("durationMs", f.durationMillis());
            o.put("created", f.created());
            o.put("updated", f.updated());
            o.put("replaced", f.replaced());
            o.put("deleted", f.deleted());
            o.put("skipped", f.skipped());
            o.put("failed", f.failed());
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

    public static Event decode(long position, byte[] bytes, String where) {
        JsonNode o;
        try {
            o = JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new StateCorruptedException(where + " at position " + position, "unreadable event: " + e.getMessage());
        }
        int schema = o.path("v").asInt(-1);
        if (schema != Event.SCHEMA) {
            throw new StateCorruptedException(where + " at position " + position, "event schema " + schema
                    + " is not supported by this version (expected " + Event.SCHEMA + ")");
        }
        String type = o.path("type").asText();
        Instant time = Instant.parse(o.path("time").asText());
        String run = o.path("run").asText();
        switch (type) {
            case "run-started":
                return new RunStarted(position, time, run, o.path("actor").asText(), o.path("pid").asLong(),
                        Phase.valueOf(o.path("phase").asText().toUpperCase()), o.path("program").asText());
            case "run-finished":
                return new RunFinished(position, time, run, o.path("outcome").asText(), o.path("durationMs").asLong(),
                        o.path("created").asInt(), o.path("updated").asInt(), o.path("replaced").asInt(),
                        o.path("deleted").asInt(), o.path("skipped").asInt(), o.path("failed").asInt());
            case "checkpoint":
                Map<String, String> snapshots = new LinkedHashMap<>();
                o.path("snapshots").fields().forEachRemaining(e -> snapshots.put(e.getKey(), e.getValue().asText()));
                return new Checkpoint(position, time, run, snapshots);
            default:
                for (Type t : Type.values()) {
                    if (t.wire.equals(type)) {
                        List<String> chain = new ArrayList<>();
                        o.path("chain").forEach(n -> chain.add(n.asText()));
                        JsonNode snapshot = o.get("snapshot");
                        return resource(t, position, time, run, chain, o.path("id").asText(), o.path("kind").asText(),
                                snapshot == null ? null : snapshot.asText());
                    }
                }
                throw new StateCorruptedException(where + " at position " + position, "unknown event type \"" + type + "\"");
        }
    }

    /** The key of a record in checkpoints: its chain and id as a JSON array. */
    public static String key(List<String> chain, String id) {
        ArrayNode a = JSON.createArrayNode();
        chain.forEach(a::add);
        a.add(id);
        return a.toString();
    }

    public static Map.Entry<List<String>, String> parseKey(String key) {
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
