package run.alchemy.engine.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import run.alchemy.api.JsSymbol;
import run.alchemy.api.Schema;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.engine.internal.json.JsBase64;
import run.alchemy.engine.internal.json.JsDates;
import run.alchemy.engine.internal.json.JsKeys;
import run.alchemy.engine.internal.json.JsNumbers;
import run.alchemy.engine.internal.json.JsonWriter;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.secrets.SecretFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Alchemy's {@code serialize}/{@code deserialize} (spec §3) over Jackson trees.
 *
 * <p>In memory a value is a tree in its serialized shape — tags such as {@code @date} stay as
 * tagged objects, keys are in JS order — except that secrets are POJO nodes holding the plain
 * value ({@link Secret}, or {@link SealedSecret} when read from state). Reading a record
 * ({@link #readRecord}) is {@code deserialize}; writing one ({@link #writeRecord}) is
 * {@code serialize} with encryption; {@link #canonical} is {@code serialize} without it, the
 * text Alchemy compares to decide whether to skip.
 */
public final class StateSerde {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SECRET = "@secret";

    private final ObjectMapper mapper;

    public StateSerde() {
        SimpleModule tags = new SimpleModule("alchemy-tags");
        tags.addSerializer(Secret.class, new StdSerializer<>(Secret.class) {
            @Override
            public void serialize(Secret value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeEmbeddedObject(value);
            }
        });
        tags.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider p) throws IOException {
                tagged(gen, "@date", JsDates.iso(value.toEpochMilli()));
            }
        });
        tags.addSerializer(Date.class, new StdSerializer<>(Date.class) {
            @Override
            public void serialize(Date value, JsonGenerator gen, SerializerProvider p) throws IOException {
                tagged(gen, "@date", JsDates.iso(value.getTime()));
            }
        });
        tags.addSerializer(byte[].class, new StdSerializer<>(byte[].class) {
            @Override
            public void serialize(byte[] value, JsonGenerator gen, SerializerProvider p) throws IOException {
                tagged(gen, "@buffer", JsBase64.encode(value));
            }
        });
        tags.addSerializer(JsSymbol.class, new StdSerializer<>(JsSymbol.class) {
            @Override
            public void serialize(JsSymbol value, JsonGenerator gen, SerializerProvider p) throws IOException {
                tagged(gen, "@symbol", value.toString());
            }
        });
        tags.addSerializer(Schema.class, new StdSerializer<>(Schema.class) {
            @Override
            public void serialize(Schema value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeStartObject();
                gen.writeFieldName("@schema");
                p.defaultSerializeValue(value.value(), gen);
                gen.writeEndObject();
            }
        });
        tags.addDeserializer(Secret.class, new StdDeserializer<>(Secret.class) {
            @Override
            public Secret deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT) {
                    return SealedSecret.unwrap(p.getEmbeddedObject());
                }
                return (Secret) ctx.handleUnexpectedToken(Secret.class, p);
            }
        });
        tags.addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = taggedText(p, ctx, "@date");
                OptionalLong millis = JsDates.parse(text);
                if (millis.isEmpty()) {
                    return (Instant) ctx.handleWeirdStringValue(Instant.class, text, "not an ISO date");
                }
                return Instant.ofEpochMilli(millis.getAsLong());
            }
        });
        tags.addDeserializer(byte[].class, new StdDeserializer<>(byte[].class) {
            @Override
            public byte[] deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return JsBase64.decodeLenient(taggedText(p, ctx, "@buffer"));
            }
        });
        tags.addDeserializer(JsSymbol.class, new StdDeserializer<>(JsSymbol.class) {
            @Override
            public JsSymbol deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = taggedText(p, ctx, "@symbol");
                return new JsSymbol(JsKeys.isSymbol(text) ? JsKeys.symbolDescription(text) : text);
            }
        });
        tags.addDeserializer(Schema.class, new StdDeserializer<>(Schema.class) {
            @Override
            public Schema deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode node = ctx.readTree(p);
                JsonNode inner = node.isObject() && node.has("@schema") ? node.get("@schema") : node;
                return new Schema(ctx.readTreeAsValue(inner, Object.class));
            }
        });
        this.mapper = new ObjectMapper()
                .registerModule(tags)
                .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static void tagged(JsonGenerator gen, String tag, String value) throws IOException {
        gen.writeStartObject();
        gen.writeStringField(tag, value);
        gen.writeEndObject();
    }

    private static String taggedText(JsonParser p, DeserializationContext ctx, String tag) throws IOException {
        JsonNode node = ctx.readTree(p);
        JsonNode inner = node.isObject() ? node.get(tag) : node;
        if (inner == null || !inner.isTextual()) {
            throw ctx.weirdStringException(node.toString(), String.class, "expected {\"" + tag + "\": string}");
        }
        return inner.textValue();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    // ---------------------------------------------------------------- program values

    /** A program value (record, map, JsonNode…) as a tree in serialized shape; null stays null. */
    public JsonNode toTree(Object value) {
        if (value == null) {
            return null;
        }
        JsonNode tree = value instanceof JsonNode node ? node : plainTree(value);
        if (tree == null) {
            tree = mapper.valueToTree(value);
        }
        return jsOrder(tree, false);
    }

    /**
     * The tree {@code valueToTree} makes of JDK maps (string keys), lists, strings, ints, longs,
     * booleans and secrets, built directly (no token buffer); null when the value holds anything
     * else (a null too: map nulls are left out by the mapper), which then goes through Jackson.
     */
    private static JsonNode plainTree(Object v) {
        if (v instanceof String s) {
            return TextNode.valueOf(s);
        }
        if (v instanceof Integer i) {
            return IntNode.valueOf(i);
        }
        if (v instanceof Long l) {
            return LongNode.valueOf(l);
        }
        if (v instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        if (v instanceof Secret) {
            return NODES.pojoNode(v);
        }
        boolean jdk = v != null && v.getClass().getName().startsWith("java.util.");
        if (jdk && v instanceof Map<?, ?> map) {
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key) || e.getValue() == null) {
                    return null;
                }
                JsonNode child = plainTree(e.getValue());
                if (child == null) {
                    return null;
                }
                out.set(key, child);
            }
            return out;
        }
        if (jdk && v instanceof List<?> list) {
            ArrayNode out = NODES.arrayNode(list.size());
            for (Object element : list) {
                JsonNode child = element == null ? null : plainTree(element);
                if (child == null) {
                    return null;
                }
                out.add(child);
            }
            return out;
        }
        return null;
    }

    /** A tree back to a program type; secrets arrive as {@link Secret}. */
    public <T> T fromTree(JsonNode tree, Class<T> type) throws JsonProcessingException {
        if (tree == null || tree.isMissingNode()) {
            return null;
        }
        JsonNode exposed = withPlainSecrets(tree);
        if (type.isInstance(exposed)) {
            return type.cast(exposed);
        }
        return mapper.treeToValue(exposed, type);
    }

    /** The tree with secrets read from state as {@link Secret}s (copied only where one is found). */
    private static JsonNode withPlainSecrets(JsonNode node) {
        if (node.isPojo()) {
            Object pojo = ((POJONode) node).getPojo();
            return pojo instanceof SealedSecret sealed ? NODES.pojoNode(sealed.secret) : node;
        }
        if (!node.isContainerNode()) {
            return node;
        }
        JsonNode copy = null;
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode child = node.get(i);
                JsonNode plain = withPlainSecrets(child);
                if (plain != child) {
                    copy = copy == null ? node.deepCopy() : copy;
                    ((ArrayNode) copy).set(i, plain);
                }
            }
        } else {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode plain = withPlainSecrets(e.getValue());
                if (plain != e.getValue()) {
                    copy = copy == null ? node.deepCopy() : copy;
                    ((ObjectNode) copy).set(e.getKey(), plain);
                }
            }
        }
        return copy == null ? node : copy;
    }

    /** Puts array-index keys first (and, for values read from state, {@code Symbol(…)} keys before them). */
    private static JsonNode jsOrder(JsonNode node, boolean symbolsFirst) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode child = node.get(i);
                JsonNode ordered = jsOrder(child, symbolsFirst);
                if (ordered != child) {
                    ((ArrayNode) node).set(i, ordered);
                }
            }
            return node;
        }
        if (!node.isObject()) {
            return node;
        }
        boolean reorder = false;
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            JsonNode ordered = jsOrder(v, symbolsFirst);
            if (ordered != v) {
                e.setValue(ordered);
            }
            String k = e.getKey();
            reorder |= JsKeys.isIndex(k) || (symbolsFirst && JsKeys.isSymbol(k));
        }
        return reorder ? reordered((ObjectNode) node, symbolsFirst) : node;
    }

    private static ObjectNode reordered(ObjectNode node, boolean symbolsFirst) {
        ObjectNode out = NODES.objectNode();
        if (symbolsFirst) {
            node.fields().forEachRemaining(e -> {
                if (JsKeys.isSymbol(e.getKey())) {
                    out.set(e.getKey(), e.getValue());
                }
            });
        }
        List<String> indexes = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (JsKeys.isIndex(k)) {
                indexes.add(k);
            }
        });
        indexes.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        indexes.forEach(k -> out.set(k, node.get(k)));
        node.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (!JsKeys.isIndex(k) && !(symbolsFirst && JsKeys.isSymbol(k))) {
                out.set(k, e.getValue());
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- records

    /**
     * Parses a stored record and deserializes it: tags normalised, keys in JS order, secrets
     * decrypted with {@code codec}. Errors name {@code location} (and the JSON path for secrets).
     */
    public ObjectNode readRecord(byte[] bytes, String location, SecretCodec codec) {
        return readRecord(bytes, null, location, codec);
    }

    /**
     * {@link #readRecord} of bytes already parsed by {@link #parseRecord} into {@code parsed} (a tree
     * nobody else holds: reviving changes it in place), or null to parse them here.
     */
    public ObjectNode readRecord(byte[] bytes, ObjectNode parsed, String location, SecretCodec codec) {
        return (ObjectNode) revive(parsed != null ? parsed : parse(bytes, location), null, location, codec);
    }

    /** The stored record's tree, or null when it is not a JSON object ({@link #readRecord} then says why). */
    public ObjectNode parseRecord(byte[] bytes) {
        try {
            return mapper.readTree(bytes) instanceof ObjectNode o ? o : null;
        } catch (IOException | RuntimeException e) {
            return null;
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
        JsonNode tagged = revivedTag(node, pointer, location, codec);
        if (tagged != null) {
            return tagged;
        }
        ObjectNode object = (ObjectNode) node;
        // JS order: Symbol(…) keys, then array-index keys ascending, then the others; reordered
        // (a copy) only when the keys are not in that order already
        boolean reorder = false;
        int rank = 0;
        long lastIndex = -1;
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
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
        return reorder ? reordered(object, true) : object;
    }

    /** A tagged object ({@code @secret}, {@code @schema}, {@code @date}, …) deserialized, or null if it is none. */
    private JsonNode revivedTag(JsonNode node, Pointer pointer, String location, SecretCodec codec) {
        JsonNode secret = node.get(SECRET);
        if (secret != null && truthy(secret)) {
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

    /** A record as Alchemy's FileSystem store writes it: 2-space JSON, secrets sealed, UTF-8. */
    public byte[] writeRecord(ObjectNode record, String resource, SecretCodec codec) {
        String text = JsonWriter.pretty(record, (pojo, pointer) -> {
            if (pojo instanceof SealedSecret sealed && sealed.codec == codec && sealed.envelope != null) {
                return sealed.envelope;
            }
            Secret secret = SealedSecret.unwrap(pojo);
            try {
                return codec.seal(secret.isJson() ? normalizeJson(secret, resource, pointer) : secret.reveal(),
                        secret.isJson());
            } catch (SecretFailure f) {
                throw new SecretException(resource, pointer, f.getMessage());
            }
        });
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code tree} (props or output about to be written at {@code pointer} of the record) with every
     * secret sealed for {@code codec} once, here: a secret equal to the one at the same place in
     * {@code previous} (the record's value as read from state) keeps that envelope, any other gets
     * a new one. Each later write of the tree (creating, then created; props again as oldProps)
     * then writes the same bytes, so an unchanged secret shows neither in {@code git diff} nor in
     * {@code state diff}. Containers are copied where a secret is replaced; {@code tree} is left as it is.
     */
    public JsonNode sealSecrets(JsonNode tree, JsonNode previous, String pointer, String resource,
                                SecretCodec codec) {
        if (tree == null) {
            return null;
        }
        if (tree.isPojo()) {
            Object pojo = ((POJONode) tree).getPojo();
            if (pojo instanceof SealedSecret sealed && sealed.codec == codec && sealed.envelope != null) {
                return tree;
            }
            Secret secret = SealedSecret.unwrap(pojo);
            SealedSecret kept = previous != null && previous.isPojo()
                    && ((POJONode) previous).getPojo() instanceof SealedSecret p
                    && p.codec == codec && p.envelope != null && sameSecret(secret, p.secret, resource, pointer)
                    ? p : null;
            if (kept != null) {
                return NODES.pojoNode(new SealedSecret(secret, kept.envelope, codec));
            }
            try {
                JsonNode envelope = codec.seal(secret.isJson() ? normalizeJson(secret, resource, pointer)
                        : secret.reveal(), secret.isJson());
                return NODES.pojoNode(new SealedSecret(secret, envelope, codec));
            } catch (SecretFailure f) {
                throw new SecretException(resource, pointer, f.getMessage());
            }
        }
        if (tree.isArray()) {
            ArrayNode copy = null;
            for (int i = 0; i < tree.size(); i++) {
                JsonNode child = tree.get(i);
                JsonNode sealed = sealSecrets(child, previous == null ? null : previous.get(i),
                        pointer + "/" + i, resource, codec);
                if (sealed != child) {
                    copy = copy == null ? NODES.arrayNode(tree.size()).addAll((ArrayNode) tree) : copy;
                    copy.set(i, sealed);
                }
            }
            return copy == null ? tree : copy;
        }
        if (tree.isObject()) {
            ObjectNode copy = null;
            Iterator<Map.Entry<String, JsonNode>> it = tree.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode sealed = sealSecrets(e.getValue(), previous == null ? null : previous.get(e.getKey()),
                        pointer + "/" + e.getKey(), resource, codec);
                if (sealed != e.getValue()) {
                    copy = copy == null ? NODES.objectNode().setAll((ObjectNode) tree) : copy;
                    copy.set(e.getKey(), sealed);
                }
            }
            return copy == null ? tree : copy;
        }
        return tree;
    }

    /** Whether two secrets write the same plaintext: JSON-valued ones compared as normalised JSON. */
    private boolean sameSecret(Secret a, Secret b, String resource, String pointer) {
        if (a.isJson() != b.isJson()) {
            return false;
        }
        return a.isJson() ? normalizeJson(a, resource, pointer).equals(normalizeJson(b, resource, pointer)) : a.equals(b);
    }

    /** The exact text Alchemy compares to decide "skip" (spec §3.4); null for absent props. */
    public String canonical(JsonNode props, String resource) {
        if (props == null || props.isMissingNode()) {
            return null;
        }
        return JsonWriter.compact(props, (pojo, pointer) -> {
            Secret secret = SealedSecret.unwrap(pojo);
            return secret.isJson() ? parseSecretJson(secret, resource, pointer) : TextNode.valueOf(secret.reveal());
        });
    }

    /**
     * Whether {@code canonical(a)} equals {@code canonical(b)}: Alchemy's "changed or not" decision.
     * Walks both trees side by side, without building either text; where the trees alone cannot
     * tell (a JSON-valued secret, a secret against an object, a number against null), it compares
     * the two canonical texts.
     */
    public boolean sameCanonical(JsonNode a, JsonNode b, String resource) {
        boolean aAbsent = a == null || a.isMissingNode();
        boolean bAbsent = b == null || b.isMissingNode();
        if (aAbsent || bAbsent) {
            return aAbsent == bAbsent;
        }
        int r = same(a, b);
        return r == SAME || (r == UNSURE && canonical(a, resource).equals(canonical(b, resource)));
    }

    private static final int DIFFERENT = 0;
    private static final int SAME = 1;
    private static final int UNSURE = 2;

    /**
     * Compares the compact texts JsonWriter would write for {@code a} and {@code b}. JSON texts
     * parse one way only, so two arrays or objects write the same text exactly when their keys and
     * elements do; strings write the same text exactly when they are equal.
     */
    private static int same(JsonNode a, JsonNode b) {
        JsonNodeType ta = a.getNodeType() == JsonNodeType.MISSING ? JsonNodeType.NULL : a.getNodeType();
        JsonNodeType tb = b.getNodeType() == JsonNodeType.MISSING ? JsonNodeType.NULL : b.getNodeType();
        if (ta != tb) {
            if (ta == JsonNodeType.POJO || tb == JsonNodeType.POJO) {
                JsonNodeType other = ta == JsonNodeType.POJO ? tb : ta;
                return other == JsonNodeType.OBJECT || other == JsonNodeType.BINARY
                        || !isSecret(ta == JsonNodeType.POJO ? a : b) ? UNSURE : DIFFERENT;
            }
            boolean numberOrNull = (ta == JsonNodeType.NUMBER || ta == JsonNodeType.NULL)
                    && (tb == JsonNodeType.NUMBER || tb == JsonNodeType.NULL); // NaN writes null
            return numberOrNull || ta == JsonNodeType.BINARY || tb == JsonNodeType.BINARY ? UNSURE : DIFFERENT;
        }
        switch (ta) {
            case STRING:
                return a.textValue().equals(b.textValue()) ? SAME : DIFFERENT;
            case BOOLEAN:
                return a.booleanValue() == b.booleanValue() ? SAME : DIFFERENT;
            case NULL:
                return SAME;
            case NUMBER:
                if (a.isInt() && b.isInt()) {
                    return a.intValue() == b.intValue() ? SAME : DIFFERENT;
                }
                return JsNumbers.format(a).equals(JsNumbers.format(b)) ? SAME : DIFFERENT;
            case ARRAY: {
                int n = a.size();
                if (n != b.size()) {
                    return DIFFERENT;
                }
                int result = SAME;
                for (int i = 0; i < n; i++) {
                    int r = same(a.get(i), b.get(i));
                    if (r == DIFFERENT) {
                        return DIFFERENT;
                    }
                    result = Math.max(result, r);
                }
                return result;
            }
            case OBJECT: {
                Iterator<Map.Entry<String, JsonNode>> ia = a.fields();
                Iterator<Map.Entry<String, JsonNode>> ib = b.fields();
                int result = SAME;
                while (true) {
                    Map.Entry<String, JsonNode> ea = nextPresent(ia);
                    Map.Entry<String, JsonNode> eb = nextPresent(ib);
                    if (ea == null || eb == null) {
                        return ea == eb ? result : DIFFERENT;
                    }
                    if (!ea.getKey().equals(eb.getKey())) {
                        return DIFFERENT;
                    }
                    int r = same(ea.getValue(), eb.getValue());
                    if (r == DIFFERENT) {
                        return DIFFERENT;
                    }
                    result = Math.max(result, r);
                }
            }
            case POJO: {
                if (!isSecret(a) || !isSecret(b)) {
                    return UNSURE;
                }
                Secret sa = SealedSecret.unwrap(((POJONode) a).getPojo());
                Secret sb = SealedSecret.unwrap(((POJONode) b).getPojo());
                if (sa.isJson() || sb.isJson()) {
                    return UNSURE;
                }
                return sa.reveal().equals(sb.reveal()) ? SAME : DIFFERENT;
            }
            default:
                return UNSURE;
        }
    }

    private static Map.Entry<String, JsonNode> nextPresent(Iterator<Map.Entry<String, JsonNode>> it) {
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isMissingNode()) {
                return e;
            }
        }
        return null;
    }

    private static boolean isSecret(JsonNode node) {
        Object pojo = ((POJONode) node).getPojo();
        return pojo instanceof Secret || pojo instanceof SealedSecret;
    }

    private String normalizeJson(Secret secret, String resource, String pointer) {
        return JsonWriter.compact(parseSecretJson(secret, resource, pointer), (p, ptr) -> {
            throw new SecretException(resource, ptr, "a secret cannot contain another secret");
        });
    }

    private JsonNode parseSecretJson(Secret secret, String resource, String pointer) {
        try {
            return jsOrder(mapper.readTree(secret.reveal()), false);
        } catch (JsonProcessingException e) {
            // Never include the parser's message: it quotes the secret's text.
            throw new SecretException(resource, pointer, "JSON-valued secret is not valid JSON");
        }
    }
}
