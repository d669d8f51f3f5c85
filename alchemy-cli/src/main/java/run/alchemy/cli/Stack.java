package run.alchemy.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;
import run.alchemy.providers.fs.FileProps;
import run.alchemy.providers.fs.FsResources;
import run.alchemy.providers.fs.FolderProps;
import run.alchemy.providers.core.Values;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A declarative stack: {@code {"app", "stage", "resources": [{"id", "kind", "props"}], "scopes":
 * [{"name", "resources", "scopes"}]}} for the built-in kinds. Every fault is reported with the JSON
 * path where it is, e.g. {@code $.resources[2].kind: unknown kind "x::Y"}. A
 * {@code {"@secretEnv": "NAME"}} value becomes a secret read from that environment variable.
 */
final class Stack {
    static final String SECRET_ENV = "@secretEnv";
    /** An inline secret's tag, as state holds one: refused in a stack file. */
    private static final String INLINE_SECRET = "@secret";
    private static final String HINT = "'alchemy deploy --help' shows the shape of a stack file";
    /** Reads one value of the file where the parser is, the rest of the file after it. */
    private static final ObjectReader ELEMENT = Json.MAPPER.readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The built-in kinds, in the order they are listed in messages. */
    static final Map<String, ResourceProvider<?, ?>> KINDS = kinds(FsResources.FILE, FsResources.FOLDER, Values.VALUE);

    private static Map<String, ResourceProvider<?, ?>> kinds(ResourceProvider<?, ?>... providers) {
        Map<String, ResourceProvider<?, ?>> byKind = new LinkedHashMap<>();
        for (ResourceProvider<?, ?> p : providers) {
            byKind.put(p.kind(), p);
        }
        return Collections.unmodifiableMap(byKind);
    }

    /**
     * One resource: its provider and typed props (secrets resolved when asked to). An
     * {@code alchemy::Value}'s props are parsed from the file's bytes when asked for, so that a
     * large stack is never held as one tree: only the resource being applied is.
     */
    record Resource(String id, ResourceProvider<?, ?> provider, String path, Supplier<?> propsSource) {
        Object props() {
            return propsSource.get();
        }
    }

    record ScopeDef(String name, List<Resource> resources, List<ScopeDef> scopes, String path) {
    }

    final String app;
    final String stage;
    final ScopeDef root;
    /** JSON paths of the {@code @secretEnv} values. */
    final List<String> secrets = new ArrayList<>();
    private int count;

    private final byte[] bytes;
    private final String source;
    private final Map<String, String> env;
    private final boolean resolveSecrets;
    /** Stands, in a resource read from the file, for a props object that was scanned, not parsed. */
    private final ObjectNode scanned = Json.object();
    /** Set once the whole file is checked: props parsed again later add no secret paths. */
    private boolean checked;
    private String topApp;
    private String topStage;

    /**
     * Reads the file as a stream of tokens, one resource at a time, checking everything before
     * anything is deployed.
     */
    private Stack(byte[] bytes, String source, Map<String, String> env, boolean resolveSecrets) {
        this.bytes = bytes;
        this.source = source;
        this.env = env;
        this.resolveSecrets = resolveSecrets;
        try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw CliException.usage(source + ": empty file, expected JSON", HINT);
            }
            if (first != JsonToken.START_OBJECT) {
                throw fault("$", "expected an object {\"app\", \"stage\", \"resources\", \"scopes\"}, found "
                        + Json.typeName(element(parser)));
            }
            this.root = scope(parser, null, "$");
            if (parser.nextToken() != null) {
                throw CliException.usage(source + ": invalid JSON at line " + parser.currentTokenLocation().getLineNr()
                        + ", column " + parser.currentTokenLocation().getColumnNr()
                        + ": trailing content after the stack's object", HINT);
            }
        } catch (JsonProcessingException e) {
            throw Json.invalid(e, source, HINT);
        } catch (IOException e) {
            throw CliException.usage(source + ": cannot read: " + e.getMessage(), HINT);
        }
        this.app = topApp;
        this.stage = topStage;
        this.checked = true;
    }

    /**
     * Parses and checks a stack file. With {@code resolveSecrets}, {@code @secretEnv} values are read
     * from {@code env} (a missing variable is an error); without, they are only checked for shape.
     */
    static Stack parse(byte[] bytes, String source, Map<String, String> env, boolean resolveSecrets) {
        return new Stack(bytes, source, env, resolveSecrets);
    }

    int size() {
        return count;
    }

    /** The scope object whose start the parser is on, read to its end; the top one ({@code name} null) holds app and stage. */
    private ScopeDef scope(JsonParser parser, String name, String p) throws IOException {
        boolean top = name == null;
        List<Resource> resources = new ArrayList<>();
        Map<String, String> ids = new LinkedHashMap<>();
        List<ScopeDef> scopes = new ArrayList<>();
        Set<String> allowed = top ? Set.of("app", "stage", "resources", "scopes", "$schema") : Set.of("name", "resources", "scopes");
        String expected = top ? "app, stage, resources, scopes" : "name, resources, scopes";
        String scopeName = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            if (!allowed.contains(key)) {
                throw fault(Json.path(p, key), "unknown key (expected " + expected + ")");
            }
            JsonToken value = parser.nextToken();
            switch (key) {
                case "resources" -> resources(parser, value, Json.path(p, "resources"), resources, ids);
                case "scopes" -> scopes(parser, value, Json.path(p, "scopes"), scopes, ids);
                case "$schema" -> parser.skipChildren();
                default -> {
                    String text = text(parser, value, Json.path(p, key));
                    switch (key) {
                        case "app" -> topApp = text;
                        case "stage" -> topStage = text;
                        default -> scopeName = text;
                    }
                }
            }
        }
        if (!top && (scopeName == null || scopeName.isEmpty())) {
            throw fault(Json.path(p, "name"), "missing: a non-empty string is required");
        }
        return new ScopeDef(scopeName, resources, scopes, p);
    }

    private void resources(JsonParser parser, JsonToken value, String lp, List<Resource> into, Map<String, String> ids)
            throws IOException {
        if (!arrayOf(parser, value, lp, "resources")) {
            return;
        }
        for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
            Resource r = resource(parser, Json.path(lp, i));
            String earlier = ids.putIfAbsent(r.id(), Json.path(Json.path(lp, i), "id"));
            if (earlier != null) {
                throw fault(Json.path(Json.path(lp, i), "id"), "duplicate id \"" + r.id() + "\" (also at " + earlier + ")");
            }
            into.add(r);
        }
    }

    private void scopes(JsonParser parser, JsonToken value, String sp, List<ScopeDef> into, Map<String, String> ids)
            throws IOException {
        if (!arrayOf(parser, value, sp, "scopes")) {
            return;
        }
        for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
            String cp = Json.path(sp, i);
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw fault(cp, "expected a scope {\"name\", \"resources\", \"scopes\"}, found "
                        + Json.typeName(element(parser)));
            }
            ScopeDef child = scope(parser, "", cp);
            String earlier = ids.putIfAbsent(child.name(), Json.path(cp, "name"));
            if (earlier != null) {
                throw fault(Json.path(cp, "name"), "\"" + child.name() + "\" is already used at " + earlier
                        + " (a scope's record lives beside the resources, under its name)");
            }
            into.add(child);
        }
    }

    /** Whether an array starts where the parser is: false for null, a fault for anything else. */
    private boolean arrayOf(JsonParser parser, JsonToken value, String p, String of) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return false;
        }
        if (value != JsonToken.START_ARRAY) {
            throw fault(p, "expected an array of " + of + ", found " + Json.typeName(element(parser)));
        }
        return true;
    }

    private static JsonNode element(JsonParser parser) throws IOException {
        return ELEMENT.readValue(parser);
    }

    /** A string or null where the parser is. */
    private String text(JsonParser parser, JsonToken value, String p) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw fault(p, "expected a string, found " + Json.typeName(element(parser)));
        }
        return parser.getText();
    }

    /**
     * Reads and checks the resource whose first token the parser is on. Its {@code props} object
     * is only scanned for {@code @secretEnv} and {@code @secret} keys, not made a tree: an
     * {@code alchemy::Value}'s props without them need no check and are parsed when applied; other
     * props are parsed from the file's bytes here (the kind may come after them).
     */
    private Resource resource(JsonParser parser, String p) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw fault(p, "expected a resource {\"id\", \"kind\", \"props\"}, found " + Json.typeName(element(parser)));
        }
        ObjectNode node = Json.object();
        int propsFrom = -1;
        int propsTo = -1;
        boolean marked = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            if (parser.nextToken() == JsonToken.START_OBJECT && key.equals("props")) {
                propsFrom = (int) parser.currentTokenLocation().getByteOffset();
                marked = scanForSecrets(parser);
                propsTo = (int) parser.currentLocation().getByteOffset();
                node.set(key, scanned); // a later "props" key replaces it, as in a tree
            } else {
                node.set(key, parser.currentToken() == JsonToken.VALUE_STRING ? TextNode.valueOf(parser.getText()) : element(parser));
            }
        }
        keys(node, p, Set.of("id", "kind", "props"), "id, kind, props");
        String id = requiredText(node, p, "id");
        String kind = requiredText(node, p, "kind");
        ResourceProvider<?, ?> provider = KINDS.get(kind);
        if (provider == null) {
            throw fault(Json.path(p, "kind"), "unknown kind \"" + kind + "\" (known: " + String.join(", ", KINDS.keySet()) + ")");
        }
        String pp = Json.path(p, "props");
        JsonNode props = node.get("props");
        int from = propsFrom;
        int to = propsTo;
        if (props == scanned) {
            if (!marked && kind.equals(Values.VALUE.kind())) {
                count++;
                return new Resource(id, provider, p, () -> valueProps(from, to, pp));
            }
            props = Json.MAPPER.readTree(bytes, from, to - from);
        }
        if (props != null && !props.isNull() && !props.isObject()) {
            throw fault(pp, "expected an object, found " + Json.typeName(props));
        }
        ObjectNode given = props == null || props.isNull() ? Json.object() : (ObjectNode) props;
        Supplier<?> typed = switch (kind) {
            case "fs::File" -> {
                keys(given, pp, Set.of("path", "content"), "path, content");
                FileProps file = new FileProps(plainText(given, pp, "path"), plainText(given, pp, "content"));
                yield () -> file;
            }
            case "fs::Folder" -> {
                keys(given, pp, Set.of("path", "delete", "clean"), "path, delete, clean");
                FolderProps folder = new FolderProps(plainText(given, pp, "path"), bool(given, pp, "delete"), bool(given, pp, "clean"));
                yield () -> folder;
            }
            default -> {
                value(given, pp);
                yield props == null || props.isNull() ? () -> Json.object() : () -> valueProps(from, to, pp);
            }
        };
        count++;
        return new Resource(id, provider, p, typed);
    }

    /**
     * Reads the object whose start the parser is on to its end, token by token; whether it holds a
     * {@code @secretEnv} or {@code @secret} key at any depth.
     */
    private static boolean scanForSecrets(JsonParser parser) throws IOException {
        boolean marked = false;
        for (int depth = 1; depth > 0; ) {
            JsonToken t = parser.nextToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            } else if (t == JsonToken.FIELD_NAME && !marked) {
                String name = parser.currentName();
                marked = name.equals(SECRET_ENV) || name.equals(INLINE_SECRET);
            } else if (t == null) { // Jackson throws at an end of input inside an object first; this keeps the loop finite
                throw new JsonEOFException(parser, null, "unexpected end of the file inside an object");
            }
        }
        return marked;
    }

    /** An alchemy::Value's props, the object at bytes {@code [from, to)} of the file, parsed and resolved (its markers were checked when the file was read). */
    private JsonNode valueProps(int from, int to, String pp) {
        try {
            return value(Json.MAPPER.readTree(bytes, from, to - from), pp);
        } catch (IOException e) {
            throw new IllegalStateException(source + ": " + pp + " parsed when checked but not again", e);
        }
    }

    /** An alchemy::Value's props: any JSON, with {@code @secretEnv} objects turned into secrets. */
    private JsonNode value(JsonNode node, String p) {
        if (!marked(node)) {
            return node; // nothing to resolve or refuse: used as parsed (no copy, no paths)
        }
        if (node.isObject()) {
            if (node.has(SECRET_ENV)) {
                return secret(node, p);
            }
            if (node.has(INLINE_SECRET)) {
                throw fault(p, "secrets are never written inline: use {\"" + SECRET_ENV + "\": \"NAME\"} to read one"
                        + " from the environment variable NAME");
            }
            ObjectNode out = Json.object();
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), value(e.getValue(), Json.path(p, e.getKey())));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.NODES.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(value(node.get(i), Json.path(p, i)));
            }
            return out;
        }
        return node;
    }

    /** Whether {@code node} holds a {@code @secretEnv} or {@code @secret} key at any depth. */
    private static boolean marked(JsonNode node) {
        if (node.isObject()) {
            if (node.has(SECRET_ENV) || node.has(INLINE_SECRET)) {
                return true;
            }
        } else if (!node.isArray()) {
            return false;
        }
        for (JsonNode child : node) {
            if (marked(child)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode secret(JsonNode node, String p) {
        JsonNode name = node.get(SECRET_ENV);
        if (node.size() != 1 || !name.isTextual() || name.textValue().isEmpty()) {
            throw fault(p, "expected {\"" + SECRET_ENV + "\": \"NAME\"} with the name of an environment variable, and"
                    + " nothing else in the object");
        }
        if (!checked) {
            secrets.add(p);
        }
        if (!resolveSecrets) {
            return Json.NODES.pojoNode(Secret.of(""));
        }
        String value = env.get(name.textValue());
        if (value == null) {
            throw fault(p, "environment variable " + name.textValue() + " is not set (" + SECRET_ENV + ")");
        }
        return Json.NODES.pojoNode(Secret.of(value));
    }

    private String plainText(JsonNode node, String p, String key) {
        JsonNode v = node.get(key);
        if (v != null && v.isObject() && v.has(SECRET_ENV)) {
            throw fault(Json.path(p, key), "only alchemy::Value props can hold secrets (this one is written to"
                    + " disk in plain text)");
        }
        return optionalText(node, p, key);
    }

    private Boolean bool(JsonNode node, String p, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw fault(Json.path(p, key), "expected true or false, found " + Json.typeName(v));
        }
        return v.booleanValue();
    }

    private String optionalText(JsonNode node, String p, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw fault(Json.path(p, key), "expected a string, found " + Json.typeName(v));
        }
        return v.textValue();
    }

    private String requiredText(JsonNode node, String p, String key) {
        String v = optionalText(node, p, key);
        if (v == null || v.isEmpty()) {
            throw fault(Json.path(p, key), "missing: a non-empty string is required");
        }
        return v;
    }

    private void keys(JsonNode node, String p, Set<String> allowed, String expected) {
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw fault(Json.path(p, k), "unknown key (expected " + expected + ")");
            }
        });
    }

    private CliException fault(String path, String message) {
        return CliException.usage(source + ": " + path + ": " + message, HINT);
    }
}
