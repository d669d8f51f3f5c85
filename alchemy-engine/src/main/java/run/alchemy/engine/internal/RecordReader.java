package run.alchemy.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.engine.internal.json.JsBase64;
import run.alchemy.engine.internal.json.JsDates;
import run.alchemy.engine.internal.json.JsKeys;
import run.alchemy.engine.internal.json.TreeParser;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.secrets.SecretFailure;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Alchemy's {@code deserialize} of a stored record (spec §3): the bytes parsed, tags normalised,
 * erased secrets dropped, secrets opened, keys in JS order. Every error names the record's location
 * and, for a value, its JSON pointer.
 */
final class RecordReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SECRET = "@secret";

    private final ObjectMapper mapper;

    RecordReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The record in {@code bytes}, or in {@code parsed} (their tree, nobody else's) when not null. */
    ObjectNode read(byte[] bytes, ObjectNode parsed, String location, SecretCodec codec) {
        JsonNode tree = parsed;
        if (tree == null) {
            TreeParser.Tree fast = TreeParser.parseObject(bytes);
            if (fast != null && fast.plain()) {
                return fast.root(); // reviving it would change nothing
            }
            tree = fast != null ? fast.root() : parse(bytes, location);
        }
        return (ObjectNode) revive(tree, null, location, codec);
    }

    /**
     * {@link #read} of {@code parsed} without a codec (the background read's first try: most records
     * hold no secret, and then need none): null when the record holds a secret, which only a codec
     * opens; {@code parsed}, revived in place, is then left half done. Throws what {@link #read} throws
     * for a bad value, without the record's location.
     */
    ObjectNode readWithoutSecrets(ObjectNode parsed) {
        try {
            return (ObjectNode) revive(parsed, null, "", null);
        } catch (SecretNeedsCodec e) {
            return null;
        }
    }

    /** Thrown by a revive without a codec that meets a secret. */
    private static final class SecretNeedsCodec extends RuntimeException {
        SecretNeedsCodec() {
            super(null, null, false, false);
        }
    }

    private JsonNode parse(byte[] bytes, String location) {
        JsonNode root;
        if (bytes.length == 0) {
            throw new StateCorruptedException(location, "the file is empty");
        }
        try {
            root = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new StateCorruptedException(location, "invalid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new StateCorruptedException(location, "cannot parse: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new StateCorruptedException(location, "expected a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()));
        }
        return root;
    }

    /**
     * A JSON pointer built only when an error needs it: the parent and this step's key or index
     * (a record has a step per value, and almost never an error).
     */
    private record Pointer(Pointer parent, String key, int index) {
        static String of(Pointer p) {
            if (p == null) {
                return "";
            }
            return of(p.parent) + "/" + (p.key != null ? p.key : Integer.toString(p.index));
        }
    }

    /**
     * Deserializes a freshly parsed tree in place (it is nobody else's): tags normalised, erased
     * secrets dropped, secrets opened, keys put in JS order. Only what changes is replaced.
     */
    private JsonNode revive(JsonNode node, Pointer pointer, String location, SecretCodec codec) {
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                if (!child.isContainerNode()) {
                    continue;
                }
                JsonNode v = revive(child, new Pointer(pointer, null, i), location, codec);
                if (v != child) {
                    array.set(i, v.isMissingNode() ? NODES.nullNode() : v);
                }
            }
            return array;
        }
        if (!node.isObject()) {
            return node;
        }
        JsonNode tagged = hasTagKey(node) ? revivedTag(node, pointer, location, codec) : null;
        if (tagged != null) {
            return tagged;
        }
        ObjectNode object = (ObjectNode) node;
        // JS order: Symbol(…) keys, then array-index keys ascending, then the others; reordered
        // (a copy) only when the keys are not in that order already
        boolean reorder = false;
        int rank = 0;
        long lastIndex = -1;
        Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode child = e.getValue();
            if (child.isContainerNode()) {
                JsonNode v = revive(child, new Pointer(pointer, e.getKey(), 0), location, codec);
                if (v.isMissingNode()) {
                    it.remove();
                    continue;
                }
                if (v != child) {
                    e.setValue(v);
                }
            }
            String k = e.getKey();
            int r = JsKeys.isSymbol(k) ? 0 : JsKeys.isIndex(k) ? 1 : 2;
            if (r < rank) {
                reorder = true;
            }
            rank = Math.max(rank, r);
            if (r == 1) {
                long index = Long.parseLong(k);
                reorder |= index < lastIndex;
                lastIndex = index;
            }
        }
        return reorder ? StateSerde.reordered(object, true) : object;
    }

    /**
     * Whether a key of the object starts with {@code @}, as every tag does: most objects have none,
     * and then they are not looked up for six tags.
     */
    private static boolean hasTagKey(JsonNode object) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String k = e.getKey();
            if (!k.isEmpty() && k.charAt(0) == '@') {
                return true;
            }
        }
        return false;
    }

    /** A tagged object ({@code @secret}, {@code @schema}, {@code @date}, …) deserialized, or null if it is none. */
    private JsonNode revivedTag(JsonNode node, Pointer pointer, String location, SecretCodec codec) {
        JsonNode secret = node.get(SECRET);
        if (secret != null && truthy(secret)) {
            if (codec == null) {
                throw new SecretNeedsCodec();
            }
            return codec.erases() ? MissingNode.getInstance()
                    : NODES.pojoNode(openSecret(secret, Pointer.of(pointer), location, codec));
        }
        if (node.has("@schema")) {
            return node.get("@schema");
        }
        JsonNode date = node.get("@date");
        if (date != null) {
            OptionalLong millis = date.isNumber() ? OptionalLong.of(date.longValue())
                    : date.isTextual() ? JsDates.parse(date.textValue()) : OptionalLong.empty();
            if (millis.isEmpty()) {
                throw new StateCorruptedException(location, "invalid date " + date + " at " + Pointer.of(pointer));
            }
            return tag("@date", JsDates.iso(millis.getAsLong()));
        }
        JsonNode symbol = node.get("@symbol");
        if (symbol != null) {
            String text = symbol.asText();
            return JsKeys.isSymbol(text) ? tag("@symbol", text) : MissingNode.getInstance();
        }
        if (node.has("@scope")) {
            ObjectNode scope = NODES.objectNode();
            scope.putNull("@scope");
            return scope;
        }
        JsonNode buffer = node.get("@buffer");
        if (buffer != null) {
            if (!buffer.isTextual()) {
                throw new StateCorruptedException(location, "@buffer at " + Pointer.of(pointer) + " is not a string");
            }
            return tag("@buffer", JsBase64.encode(JsBase64.decodeLenient(buffer.textValue())));
        }
        return null;
    }

    private static ObjectNode tag(String tag, String value) {
        ObjectNode n = NODES.objectNode();
        n.put(tag, value);
        return n;
    }

    private static boolean truthy(JsonNode v) {
        return switch (v.getNodeType()) {
            case NULL, MISSING -> false;
            case BOOLEAN -> v.booleanValue();
            case NUMBER -> v.doubleValue() != 0 && !Double.isNaN(v.doubleValue());
            case STRING -> !v.textValue().isEmpty();
            default -> true;
        };
    }

    private static SealedSecret openSecret(JsonNode envelope, String pointer, String location, SecretCodec codec) {
        try {
            SecretCodec.Opened opened = codec.open(envelope);
            Secret secret = opened.jsonValued() ? Secret.ofJson(opened.plaintext()) : Secret.of(opened.plaintext());
            return new SealedSecret(secret, opened.legacy() ? null : envelope, codec);
        } catch (SecretFailure f) {
            throw new SecretException(location, pointer, f.getMessage());
        }
    }
}
