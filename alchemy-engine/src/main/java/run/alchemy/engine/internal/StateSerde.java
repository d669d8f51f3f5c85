package run.alchemy.engine.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.engine.internal.json.JsKeys;
import run.alchemy.engine.internal.json.JsonWriter;
import run.alchemy.engine.internal.json.TreeParser;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.secrets.SecretFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Alchemy's {@code serialize}/{@code deserialize} (spec §3) over Jackson trees.
 *
 * <p>In memory a value is a tree in its serialized shape — tags such as {@code @date} stay as
 * tagged objects, keys are in JS order — except that secrets are POJO nodes holding the plain
 * value ({@link Secret}, or {@link SealedSecret} when read from state). Reading a record
 * ({@link #readRecord}, done by {@link RecordReader}) is {@code deserialize}; writing one
 * ({@link #writeRecord}) is {@code serialize} with encryption, an unchanged secret keeping its
 * envelope; {@link #canonical} ({@link CanonicalJson}) is {@code serialize} without it, the text
 * Alchemy compares to decide whether to skip. The tags themselves are {@link TagModule}'s.
 */
public final class StateSerde {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper mapper;
    private final CanonicalJson canonicalJson;
    private final RecordReader reader;
    private final RecordValues records = new RecordValues();

    public StateSerde() {
        this.mapper = new ObjectMapper()
                .registerModule(TagModule.create())
                .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.canonicalJson = new CanonicalJson(mapper);
        this.reader = new RecordReader(mapper);
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
     * doubles, booleans, secrets and plain records ({@link RecordValues}), built directly (no token
     * buffer); null when the value holds anything else (a null too: map nulls are left out by the
     * mapper), which then goes through Jackson.
     */
    private JsonNode plainTree(Object v) {
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
        if (v instanceof Double d) {
            return DoubleNode.valueOf(d);
        }
        if (v instanceof Secret) {
            return NODES.pojoNode(v);
        }
        if (v instanceof Record r) {
            return records.tree(r, this::plainTree);
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
        if (type == Map.class) {
            Map<String, Object> map = UntypedValues.map(tree);
            if (map != null) {
                return type.cast(map);
            }
        } else if (type.isRecord()) {
            Object value = records.value(tree, type);
            if (value != RecordValues.UNMAPPED) {
                return type.cast(value);
            }
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
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
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
    static JsonNode jsOrder(JsonNode node, boolean symbolsFirst) {
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
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
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

    static ObjectNode reordered(ObjectNode node, boolean symbolsFirst) {
        ObjectNode out = NODES.objectNode();
        if (symbolsFirst) {
            node.properties().forEach(e -> {
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
        node.properties().forEach(e -> {
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
        return reader.read(bytes, null, location, codec);
    }

    /**
     * A stored record prepared ahead of its reader by {@link #parseAhead}: its tree, and whether that
     * tree is already the record as {@link #readRecord} gives it.
     *
     * @param tree    the parsed tree, nobody else's
     * @param revived whether the tree was deserialized too
     * @param codec   the codec that opened its secrets, or null when it holds none (or is not revived)
     */
    public record Parsed(ObjectNode tree, boolean revived, SecretCodec codec) {
    }

    /**
     * As much of {@link #readRecord} as can be done ahead of its reader: the bytes parsed, and
     * deserialized too when they hold no secret or {@code codec} (null: none known) opens every one.
     * Null when they are not a JSON object or do not deserialize ({@link #readRecord} then says why);
     * a secret the codec cannot open leaves the tree parsed only, for the reader to report.
     */
    public Parsed parseAhead(byte[] bytes, SecretCodec codec) {
        TreeParser.Tree fast = TreeParser.parseObject(bytes);
        if (fast != null && fast.plain()) {
            return new Parsed(fast.root(), true, null); // reviving it would change nothing
        }
        ObjectNode tree = fast != null ? fast.root() : jacksonTree(bytes);
        if (tree == null) {
            return null;
        }
        ObjectNode revived;
        try {
            revived = reader.readWithoutSecrets(tree);
        } catch (RuntimeException e) {
            return null; // a bad value (a date that is none): the reader's own read names the record
        }
        if (revived != null) {
            return new Parsed(revived, true, null);
        }
        // a secret met: the tree is half revived, so a fresh parse is opened, or left to the reader
        if (codec != null) {
            try {
                return new Parsed(reader.read(bytes, parseRecord(bytes), "", codec), true, codec);
            } catch (RuntimeException e) {
                // a wrong password, a damaged envelope: the reader's own read names the record
            }
        }
        return new Parsed(parseRecord(bytes), false, null);
    }

    /**
     * {@link #readRecord} of what {@link #parseAhead} prepared ({@code ahead}, or null when nothing was);
     * the location is made only when the bytes are read here, where an error may need it.
     */
    public ObjectNode readRecord(byte[] bytes, Parsed ahead, Supplier<String> location, SecretCodec codec) {
        if (ahead != null && ahead.revived() && (ahead.codec() == null || ahead.codec() == codec)) {
            return ahead.tree();
        }
        // a tree whose secrets another codec opened is parsed again: each secret is bound to its codec
        return reader.read(bytes, ahead == null || ahead.revived() ? null : ahead.tree(), location.get(), codec);
    }

    /** The stored record's tree, or null when it is not a JSON object ({@link #readRecord} then says why). */
    public ObjectNode parseRecord(byte[] bytes) {
        TreeParser.Tree fast = TreeParser.parseObject(bytes);
        return fast != null ? fast.root() : jacksonTree(bytes);
    }

    /** {@link #parseRecord} for bytes outside {@link TreeParser}'s subset. */
    private ObjectNode jacksonTree(byte[] bytes) {
        try {
            return mapper.readTree(bytes) instanceof ObjectNode o ? o : null;
        } catch (IOException | RuntimeException e) {
            return null;
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
                return codec.seal(secret.isJson() ? canonicalJson.normalizeJson(secret, resource, pointer) : secret.reveal(),
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
                    && p.codec == codec && p.envelope != null && canonicalJson.sameSecret(secret, p.secret, resource, pointer)
                    ? p : null;
            if (kept != null) {
                return NODES.pojoNode(new SealedSecret(secret, kept.envelope, codec));
            }
            try {
                JsonNode envelope = codec.seal(secret.isJson() ? canonicalJson.normalizeJson(secret, resource, pointer)
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
            Iterator<Map.Entry<String, JsonNode>> it = tree.properties().iterator();
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

    /** The exact text Alchemy compares to decide "skip" (spec §3.4); null for absent props. */
    public String canonical(JsonNode props, String resource) {
        return canonicalJson.canonical(props, resource);
    }

    /** Whether {@code canonical(a)} equals {@code canonical(b)}: Alchemy's "changed or not" decision. */
    public boolean sameCanonical(JsonNode a, JsonNode b, String resource) {
        return canonicalJson.same(a, b, resource);
    }
}
