package run.alchemy.engine.internal.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random plaintexts round-trip; any single flipped bit of an envelope is rejected. Seeded, so reproducible. */
class SecretCodecPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SecretCodec codec = new SecretCodec("property-password");

    static String randomUnicode(Random r, int maxLen) {
        StringBuilder b = new StringBuilder();
        int len = r.nextInt(maxLen + 1);
        while (b.length() < len) {
            int cp = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x80);
                case 1 -> 0x80 + r.nextInt(0x800 - 0x80);
                case 2 -> 0x800 + r.nextInt(0xD800 - 0x800);
                default -> 0x10000 + r.nextInt(0x10FFFF - 0x10000);
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    static JsonNode randomJson(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> JSON.getNodeFactory().textNode(randomUnicode(r, 12));
            case 1 -> JSON.getNodeFactory().numberNode(r.nextInt());
            case 2 -> JSON.getNodeFactory().booleanNode(r.nextBoolean());
            case 3 -> JSON.getNodeFactory().nullNode();
            case 4 -> {
                var array = JSON.createArrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    array.add(randomJson(r, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = JSON.createObjectNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    object.set(randomUnicode(r, 6), randomJson(r, depth + 1));
                }
                yield object;
            }
        };
    }

    @Test
    void randomStringsAndJsonValuesRoundTrip() throws Exception {
        Random r = new Random(20261125);
        for (int i = 0; i < 300; i++) {
            String text = randomUnicode(r, 64);
            SecretCodec.Opened opened = codec.open(codec.seal(text, false));
            assertEquals(text, opened.plaintext());
            assertEquals(false, opened.jsonValued());

            String json = JSON.writeValueAsString(randomJson(r, 0));
            JsonNode sealed = codec.seal(json, true);
            assertTrue(sealed.has("data"), "JSON values use Alchemy's data envelope");
            assertEquals(json, codec.open(sealed).plaintext());
        }
        assertEquals("", codec.open(codec.seal("", false)).plaintext());
        assertEquals("", codec.seal("", false).get("ciphertext").asText(), "as Alchemy: empty plaintext, empty ciphertext");
    }

    @Test
    void everySingleBitFlipInCiphertextTagIvOrSaltIsRejected() throws Exception {
        Random r = new Random(7);
        ObjectNode envelope = (ObjectNode) codec.seal("flip me: " + randomUnicode(r, 20), false);
        int checked = 0;
        for (String field : new String[] {"ciphertext", "tag", "iv", "salt"}) {
            byte[] bytes = Base64.getDecoder().decode(envelope.get(field).asText());
            int bits = bytes.length * 8;
            // Every bit of ciphertext, tag and iv; a sample of the salt (each salt flip costs an scrypt).
            int step = field.equals("salt") ? 13 : 1;
            for (int bit = 0; bit < bits; bit += step) {
                byte[] flipped = bytes.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                ObjectNode tampered = envelope.deepCopy();
                tampered.put(field, Base64.getEncoder().encodeToString(flipped));
                SecretFailure f = assertThrows(SecretFailure.class, () -> codec.open(tampered), field + " bit " + bit);
                assertTrue(f.getMessage().contains("wrong password or tampered"), f.getMessage());
                checked++;
            }
        }
        assertTrue(checked > 300, "checked " + checked + " flips");
    }

    @Test
    void anotherPasswordNeverOpensAndReusesNothing() throws Exception {
        JsonNode sealed = codec.seal("value", false);
        SecretCodec other = new SecretCodec("other-password");
        assertThrows(SecretFailure.class, () -> other.open(sealed));
        assertNotEquals(sealed.get("salt"), other.seal("value", false).get("salt"));
        assertThrows(SecretFailure.class, () -> new SecretCodec(null).open(sealed));
        SecretFailure none = assertThrows(SecretFailure.class, () -> new SecretCodec(null).seal("x", false));
        assertTrue(none.getMessage().contains("password"), none.getMessage());
    }

    @Test
    void sealingReusesOneSaltWithFreshIvs() throws Exception {
        JsonNode a = codec.seal("same", false);
        JsonNode b = codec.seal("same", false);
        assertEquals(a.get("salt"), b.get("salt"), "one scrypt per password and process");
        assertNotEquals(a.get("iv"), b.get("iv"));
        assertNotEquals(a.get("ciphertext"), b.get("ciphertext"));
        assertEquals("same", new SecretCodec("property-password").open(b).plaintext(), "a fresh codec derives from the stored salt");
    }
}
