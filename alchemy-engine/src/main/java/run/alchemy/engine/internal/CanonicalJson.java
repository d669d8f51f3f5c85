package run.alchemy.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.engine.internal.json.JsNumbers;
import run.alchemy.engine.internal.json.JsonWriter;

import java.util.Iterator;
import java.util.Map;

/**
 * The canonical text of props, {@code serialize} without encryption (spec §3.4): what Alchemy
 * compares to decide whether a resource changed, and the comparison itself without building the
 * texts. Secrets are compared by plaintext, JSON-valued ones as normalised JSON.
 */
final class CanonicalJson {
    private final ObjectMapper mapper;

    CanonicalJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Whether two secrets write the same plaintext: JSON-valued ones compared as normalised JSON. */
    boolean sameSecret(Secret a, Secret b, String resource, String pointer) {
        if (a.isJson() != b.isJson()) {
            return false;
        }
        return a.isJson() ? normalizeJson(a, resource, pointer).equals(normalizeJson(b, resource, pointer)) : a.equals(b);
    }

    /** The exact text Alchemy compares to decide "skip" (spec §3.4); null for absent props. */
    String canonical(JsonNode props, String resource) {
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
    boolean same(JsonNode a, JsonNode b, String resource) {
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
                Iterator<Map.Entry<String, JsonNode>> ia = a.properties().iterator();
                Iterator<Map.Entry<String, JsonNode>> ib = b.properties().iterator();
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

    String normalizeJson(Secret secret, String resource, String pointer) {
        return JsonWriter.compact(parseSecretJson(secret, resource, pointer), (p, ptr) -> {
            throw new SecretException(resource, ptr, "a secret cannot contain another secret");
        });
    }

    private JsonNode parseSecretJson(Secret secret, String resource, String pointer) {
        try {
            return StateSerde.jsOrder(mapper.readTree(secret.reveal()), false);
        } catch (JsonProcessingException e) {
            // Never include the parser's message: it quotes the secret's text.
            throw new SecretException(resource, pointer, "JSON-valued secret is not valid JSON");
        }
    }
}
