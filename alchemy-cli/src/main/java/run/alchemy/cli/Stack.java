package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;
import run.alchemy.providers.fs.FileProps;
import run.alchemy.providers.fs.FsResources;
import run.alchemy.providers.fs.FolderProps;
import run.alchemy.providers.core.Values;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A declarative stack: {@code {"app", "stage", "resources": [{"id", "kind", "props"}], "scopes":
 * [{"name", "resources", "scopes"}]}} for the built-in kinds. Every fault is reported with the JSON
 * path where it is, e.g. {@code $.resources[2].kind: unknown kind "x::Y"}. A
 * {@code {"@secretEnv": "NAME"}} value becomes a secret read from that environment variable.
 */
final class Stack {
    static final String SECRET_ENV = "@secretEnv";
    private static final String HINT = "'alchemy deploy --help' shows the shape of a stack file";

    /** The built-in kinds, in the order they are listed in messages. */
    static final Map<String, ResourceProvider<?, ?>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put(FsResources.FILE.kind(), FsResources.FILE);
        KINDS.put(FsResources.FOLDER.kind(), FsResources.FOLDER);
        KINDS.put(Values.KIND, Values.VALUE);
    }

    /** One resource: its provider and typed props (secrets resolved when asked to). */
    record Resource(String id, ResourceProvider<?, ?> provider, Object props, String path) {
    }

    record ScopeDef(String name, List<Resource> resources, List<ScopeDef> scopes, String path) {
    }

    final String app;
    final String stage;
    final ScopeDef root;
    /** JSON paths of the {@code @secretEnv} values. */
    final List<String> secrets = new ArrayList<>();
    private int count;

    private final String source;
    private final Map<String, String> env;
    private final boolean resolveSecrets;

    private Stack(JsonNode tree, String source, Map<String, String> env, boolean resolveSecrets) {
        this.source = source;
        this.env = env;
        this.resolveSecrets = resolveSecrets;
        String p = "$";
        if (!tree.isObject()) {
            throw fault(p, "expected an object {\"app\", \"stage\", \"resources\", \"scopes\"}, found " + Json.typeName(tree));
        }
        keys(tree, p, Set.of("app", "stage", "resources", "scopes", "$schema"), "app, stage, resources, scopes");
        this.app = optionalText(tree, p, "app");
        this.stage = optionalText(tree, p, "stage");
        this.root = scope(null, tree, p);
    }

    /**
     * Parses and checks a stack file. With {@code resolveSecrets}, {@code @secretEnv} values are read
     * from {@code env} (a missing variable is an error); without, they are only checked for shape.
     */
    static Stack parse(byte[] bytes, String source, Map<String, String> env, boolean resolveSecrets) {
        return new Stack(Json.parse(bytes, source, HINT), source, env, resolveSecrets);
    }

    int size() {
        return count;
    }

    private ScopeDef scope(String name, JsonNode node, String p) {
        List<Resource> resources = new ArrayList<>();
        Map<String, String> ids = new LinkedHashMap<>();
        JsonNode list = node.get("resources");
        if (list != null && !list.isNull()) {
            String lp = Json.path(p, "resources");
            if (!list.isArray()) {
                throw fault(lp, "expected an array of resources, found " + Json.typeName(list));
            }
            for (int i = 0; i < list.size(); i++) {
                Resource r = resource(list.get(i), Json.path(lp, i));
                String earlier = ids.putIfAbsent(r.id(), Json.path(Json.path(lp, i), "id"));
                if (earlier != null) {
                    throw fault(Json.path(Json.path(lp, i), "id"), "duplicate id \"" + r.id() + "\" (also at " + earlier + ")");
                }
                resources.add(r);
            }
        }
        List<ScopeDef> scopes = new ArrayList<>();
        JsonNode children = node.get("scopes");
        if (children != null && !children.isNull()) {
            String sp = Json.path(p, "scopes");
            if (!children.isArray()) {
                throw fault(sp, "expected an array of scopes, found " + Json.typeName(children));
            }
            for (int i = 0; i < children.size(); i++) {
                String cp = Json.path(sp, i);
                JsonNode child = children.get(i);
                if (!child.isObject()) {
                    throw fault(cp, "expected a scope {\"name\", \"resources\", \"scopes\"}, found " + Json.typeName(child));
                }
                keys(child, cp, Set.of("name", "resources", "scopes"), "name, resources, scopes");
                String childName = requiredText(child, cp, "name");
                String earlier = ids.putIfAbsent(childName, Json.path(cp, "name"));
                if (earlier != null) {
                    throw fault(Json.path(cp, "name"), "\"" + childName + "\" is already used at " + earlier
                            + " (a scope's record lives beside the resources, under its name)");
                }
                scopes.add(scope(childName, child, cp));
            }
        }
        return new ScopeDef(name, resources, scopes, p);
    }

    private Resource resource(JsonNode node, String p) {
        if (!node.isObject()) {
            throw fault(p, "expected a resource {\"id\", \"kind\", \"props\"}, found " + Json.typeName(node));
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
        if (props != null && !props.isNull() && !props.isObject()) {
            throw fault(pp, "expected an object, found " + Json.typeName(props));
        }
        ObjectNode given = props == null || props.isNull() ? Json.object() : (ObjectNode) props;
        Object typed = switch (kind) {
            case "fs::File" -> {
                keys(given, pp, Set.of("path", "content"), "path, content");
                yield new FileProps(plainText(given, pp, "path"), plainText(given, pp, "content"));
            }
            case "fs::Folder" -> {
                keys(given, pp, Set.of("path", "delete", "clean"), "path, delete, clean");
                yield new FolderProps(plainText(given, pp, "path"), bool(given, pp, "delete"), bool(given, pp, "clean"));
            }
            default -> value(given, pp);
        };
        count++;
        return new Resource(id, provider, typed, p);
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
            if (node.has("@secret")) {
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
            if (node.has(SECRET_ENV) || node.has("@secret")) {
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
        secrets.add(p);
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
