package run.alchemy.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.api.Scope;
import run.alchemy.api.Secret;
import run.alchemy.providers.fs.FileProps;
import run.alchemy.providers.fs.FsResources;
import run.alchemy.providers.fs.FolderProps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One program, run either by the Java engine ({@link #applyTo}) or by the real Alchemy through
 * deploy.mjs ({@link #toNodeJson}): the same ids, kinds, props (in the same key order) and scopes,
 * declared in the same order (a scope's resources first, then its child scopes).
 */
record TestStack(String app, String stage, List<Res> resources, List<ScopeDef> scopes) {
    /** The interop tests' app, stage, password and secret: what both sides are given. */
    static final String APP = "interop-app";
    static final String STAGE = "test";
    static final String PASSWORD = "interop-password-\u00e4\u00df";
    static final String SECRET_ENV = "INTEROP_API_KEY";
    static final String SECRET_VALUE = "s3cr3t-\u00e4-\"quoted\"-value";

    /**
     * The round trips' program: 3 fs::File (one id with '/', one in the nested scope "child"),
     * optionally one fs::Folder, and one alchemy::Value holding a secret. All paths absolute under
     * {@code out}, identical on both sides.
     */
    static TestStack sample(String app, String stage, Path out, SecretRef secret, boolean withFolder) {
        List<Res> top = new ArrayList<>();
        top.add(file("readme", out.resolve("readme.txt").toString(), "hello from alchemy-java\n"));
        top.add(file("docs/guide", out.resolve("docs/guide.md").toString(),
                "# Guide\n\u00fcnic\u00f6de \u2713 \"quotes\" \\ tab\tend\n"));
        if (withFolder) {
            top.add(folder("assets", out.resolve("assets").toString()));
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("url", "https://example.test/api?x=1&y=2");
        value.put("port", 8443);
        value.put("ratio", 0.5);
        value.put("enabled", true);
        value.put("tags", List.of("a", "b"));
        value.put("key", secret);
        top.add(value("api", value));
        ScopeDef child = new ScopeDef("child",
                List.of(file("nested", out.resolve("child/nested.txt").toString(), "nested file\n")), List.of());
        return new TestStack(app, stage, top, List.of(child));
    }

    /** The expected actions: {@code action} for every resource of the stack, {@code overrides} for some. */
    Map<String, Action> expect(Action action, Map<String, Action> overrides) {
        Map<String, Action> m = new TreeMap<>();
        all().keySet().forEach(fqn -> m.put(fqn, action));
        m.putAll(overrides);
        return m;
    }

    static final String FILE = "fs::File";
    static final String FOLDER = "fs::Folder";
    static final String VALUE = "alchemy::Value";

    /** A secret: {@code Secret.of(value)} in Java, {@code alchemy.secret(process.env[env])} in Node. */
    record SecretRef(String env, String value) {
    }

    /** A resource; props in JSON shape (maps, lists, strings, numbers, booleans, {@link SecretRef}). */
    record Res(String id, String kind, Map<String, Object> props) {
    }

    record ScopeDef(String name, List<Res> resources, List<ScopeDef> scopes) {
    }

    static Res file(String id, String path, String content) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("path", path);
        p.put("content", content);
        return new Res(id, FILE, p);
    }

    static Res folder(String id, String path) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("path", path);
        return new Res(id, FOLDER, p);
    }

    static Res value(String id, Map<String, Object> props) {
        return new Res(id, VALUE, props);
    }

    // ------------------------------------------------------------------ edits

    /** The same stack with the content of fs::File {@code id} (at any depth) replaced. */
    TestStack withContent(String id, String content) {
        return new TestStack(app, stage, mapRes(resources, id, content), mapScopes(scopes, id, content));
    }

    /** The same stack without resource {@code id} (at any depth). */
    TestStack without(String id) {
        return new TestStack(app, stage, dropRes(resources, id), dropScopes(scopes, id));
    }

    private static List<Res> mapRes(List<Res> list, String id, String content) {
        List<Res> out = new ArrayList<>();
        for (Res r : list) {
            if (r.id().equals(id)) {
                if (!r.kind().equals(FILE)) {
                    throw new IllegalArgumentException(id + " is not an fs::File");
                }
                out.add(file(r.id(), (String) r.props().get("path"), content));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static List<ScopeDef> mapScopes(List<ScopeDef> list, String id, String content) {
        return list.stream()
                .map(s -> new ScopeDef(s.name(), mapRes(s.resources(), id, content), mapScopes(s.scopes(), id, content)))
                .toList();
    }

    private static List<Res> dropRes(List<Res> list, String id) {
        return list.stream().filter(r -> !r.id().equals(id)).toList();
    }

    private static List<ScopeDef> dropScopes(List<ScopeDef> list, String id) {
        return list.stream().map(s -> new ScopeDef(s.name(), dropRes(s.resources(), id), dropScopes(s.scopes(), id))).toList();
    }

    // ------------------------------------------------------------------ queries

    /** The resource {@code id} (at any depth). */
    Res find(String id) {
        return all().values().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no resource " + id));
    }

    /** Every resource by fqn ({@code app/stage/[scope/…]id}), in declaration order. */
    Map<String, Res> all() {
        Map<String, Res> out = new LinkedHashMap<>();
        collect(app + "/" + stage, resources, scopes, out, null);
        return out;
    }

    /** fqns of all state records the program makes: its resources and its {@code alchemy.run} scope records. */
    Set<String> recordFqns() {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Res> ignored = new LinkedHashMap<>();
        collect(app + "/" + stage, resources, scopes, ignored, out);
        out.addAll(ignored.keySet());
        return out;
    }

    private static void collect(String chain, List<Res> rs, List<ScopeDef> ss, Map<String, Res> out, Set<String> scopeRecords) {
        for (Res r : rs) {
            out.put(chain + "/" + r.id(), r);
        }
        for (ScopeDef s : ss) {
            if (scopeRecords != null) {
                scopeRecords.add(chain + "/" + s.name());
            }
            collect(chain + "/" + s.name(), s.resources(), s.scopes(), out, scopeRecords);
        }
    }

    /** Environment variables the Node side needs for the secrets. */
    Map<String, String> secretEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Res r : all().values()) {
            scanSecrets(r.props(), env);
        }
        return env;
    }

    private static void scanSecrets(Object v, Map<String, String> env) {
        if (v instanceof SecretRef s) {
            env.put(s.env(), s.value());
        } else if (v instanceof Map<?, ?> m) {
            m.values().forEach(x -> scanSecrets(x, env));
        } else if (v instanceof List<?> l) {
            l.forEach(x -> scanSecrets(x, env));
        }
    }

    // ------------------------------------------------------------------ the Java program

    /** Declares everything in {@code scope}; returns each resource's output by fqn. */
    Map<String, Object> applyTo(Scope scope) {
        Map<String, Object> outputs = new LinkedHashMap<>();
        applyAll(scope, resources, scopes, outputs);
        return outputs;
    }

    private static void applyAll(Scope scope, List<Res> rs, List<ScopeDef> ss, Map<String, Object> outputs) {
        String chain = String.join("/", scope.chain());
        for (Res r : rs) {
            Object out = switch (r.kind()) {
                case FILE -> scope.apply(r.id(), FsResources.FILE,
                        new FileProps((String) r.props().get("path"), (String) r.props().get("content")));
                case FOLDER -> scope.apply(r.id(), FsResources.FOLDER, new FolderProps((String) r.props().get("path")));
                case VALUE -> scope.apply(r.id(), ValueProvider.VALUE, javaMap(r.props()));
                default -> throw new IllegalArgumentException(r.kind());
            };
            outputs.put(chain + "/" + r.id(), out);
        }
        for (ScopeDef s : ss) {
            scope.scope(s.name(), child -> applyAll(child, s.resources(), s.scopes(), outputs));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> javaMap(Map<String, Object> props) {
        return (Map<String, Object>) javaValue(props);
    }

    private static Object javaValue(Object v) {
        if (v instanceof SecretRef s) {
            return Secret.of(s.value());
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, javaValue(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(TestStack::javaValue).toList();
        }
        return v;
    }

    // ------------------------------------------------------------------ the Node program

    /** The stack file for deploy.mjs. */
    ObjectNode toNodeJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("app", app);
        root.put("stage", stage);
        fill(root, resources, scopes);
        return root;
    }

    private static void fill(ObjectNode node, List<Res> rs, List<ScopeDef> ss) {
        ArrayNode resArray = node.putArray("resources");
        for (Res r : rs) {
            ObjectNode o = resArray.addObject();
            o.put("id", r.id());
            o.put("kind", r.kind());
            o.set("props", nodeValue(r.props()));
        }
        ArrayNode scopeArray = node.putArray("scopes");
        for (ScopeDef s : ss) {
            ObjectNode o = scopeArray.addObject();
            o.put("name", s.name());
            fill(o, s.resources(), s.scopes());
        }
    }

    private static JsonNode nodeValue(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v instanceof SecretRef s) {
            return f.objectNode().put("@secretEnv", s.env());
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = f.objectNode();
            m.forEach((k, x) -> o.set((String) k, nodeValue(x)));
            return o;
        }
        if (v instanceof List<?> l) {
            ArrayNode a = f.arrayNode();
            l.forEach(x -> a.add(nodeValue(x)));
            return a;
        }
        if (v == null) {
            return f.nullNode();
        }
        if (v instanceof String s) {
            return f.textNode(s);
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (v instanceof Integer i) {
            return f.numberNode(i);
        }
        if (v instanceof Long l) {
            return f.numberNode(l);
        }
        if (v instanceof Double d) {
            return f.numberNode(d);
        }
        throw new IllegalArgumentException("unsupported prop value " + v.getClass());
    }
}
