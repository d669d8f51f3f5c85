package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import run.alchemy.api.Secret;
import run.alchemy.engine.tool.StoredSecrets;

import java.util.Iterator;
import java.util.Map;

/**
 * How secrets in a stored record are shown: masked as {@code "<secret>"}, kept as stored (the
 * encrypted envelope), or revealed — a string secret as its string, an object secret as its JSON
 * value. Revealing needs the password; a wrong one fails naming the file and the JSON pointer.
 */
public final class Secrets {
    public enum Mode { MASK, KEEP, REVEAL }

    public static final String MASKED = "<secret>";

    /**
     * The key {@code --reveal} output adds to each record whose secrets it shows in plain text, listing their
     * JSON pointers: {@code state import} refuses such a record, which would store those secrets unencrypted.
     */
    public static final String REVEALED = "@revealed";

    private final Mode mode;
    private final StoredSecrets opener;

    private Secrets(Mode mode, StoredSecrets opener) {
        this.mode = mode;
        this.opener = opener;
    }

    /** {@code --reveal} (with the password from the environment) or else {@code otherwise}. */
    public static Secrets from(SecretOptions options, Io io, Mode otherwise) {
        if (options == null || !options.reveal) {
            return new Secrets(otherwise, null);
        }
        String password = io.env(options.passwordEnv);
        if (password == null) {
            throw CliException.usage("--reveal needs the password, and " + options.passwordEnv + " is not set",
                    "set " + options.passwordEnv + ", or name the variable that holds it with --password-env NAME");
        }
        return new Secrets(Mode.REVEAL, StoredSecrets.withPassword(password));
    }

    public Mode mode() {
        return mode;
    }

    /** The record with its secrets shown as this mode says (a copy; the input is left alone). */
    public JsonNode apply(JsonNode record, String location) {
        return mode == Mode.KEEP ? record : walk(record.deepCopy(), "", location);
    }

    private JsonNode walk(JsonNode node, String pointer, String location) {
        if (node.isObject()) {
            JsonNode envelope = node.get("@secret");
            if (envelope != null && truthy(envelope)) {
                return shown(envelope, pointer, location);
            }
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(walk(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), location));
            }
            return node;
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, walk(array.get(i), pointer + "/" + i, location));
            }
        }
        return node;
    }

    private JsonNode shown(JsonNode envelope, String pointer, String location) {
        if (mode == Mode.MASK) {
            return TextNode.valueOf(MASKED);
        }
        Secret secret = opener.open(Json.compact(envelope), location, pointer);
        if (!secret.isJson()) {
            return TextNode.valueOf(secret.reveal());
        }
        try {
            return Json.MAPPER.readTree(secret.reveal());
        } catch (java.io.IOException e) {
            throw CliException.failure("the secret at " + pointer + " of " + location + " is not valid JSON", null);
        }
    }

    /** JavaScript truthiness, as Alchemy tests {@code value["@secret"]}. */
    private static boolean truthy(JsonNode v) {
        return switch (v.getNodeType()) {
            case NULL, MISSING -> false;
            case BOOLEAN -> v.booleanValue();
            case NUMBER -> v.doubleValue() != 0;
            case STRING -> !v.textValue().isEmpty();
            default -> true;
        };
    }

    /** The JSON pointers of the secrets in {@code node}, in document order (a secret's own contents not searched). */
    public static java.util.List<String> pointers(JsonNode node) {
        java.util.List<String> out = new java.util.ArrayList<>();
        pointers(node, "", out);
        return out;
    }

    private static void pointers(JsonNode node, String pointer, java.util.List<String> out) {
        if (node.isObject() && node.has("@secret") && truthy(node.get("@secret"))) {
            out.add(pointer);
            return;
        }
        if (node.isObject()) {
            node.properties().forEach(e -> pointers(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0")
                    .replace("/", "~1"), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                pointers(node.get(i), pointer + "/" + i, out);
            }
        }
    }

    /** Whether {@code node} holds any secret. */
    public static boolean has(JsonNode node) {
        if (node.isObject() && node.has("@secret") && truthy(node.get("@secret"))) {
            return true;
        }
        for (JsonNode child : node) {
            if (has(child)) {
                return true;
            }
        }
        return false;
    }
}
