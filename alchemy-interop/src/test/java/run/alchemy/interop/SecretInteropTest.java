package run.alchemy.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets sealed here are opened by the real Alchemy's decryptWithKey (npm alchemy@0.94.0). */
class SecretInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String randomUnicode(Random r, int maxLen) {
        StringBuilder b = new StringBuilder();
        int len = r.nextInt(maxLen + 1);
        while (b.length() < len) {
            int cp = switch (r.nextInt(3)) {
                case 0 -> 0x20 + r.nextInt(0x5f);
                case 1 -> 0xa0 + r.nextInt(0xd7ff - 0xa0);
                default -> 0x10000 + r.nextInt(0x10FFFF - 0x10000);
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    private static JsonNode decryptWithRealAlchemy(ArrayNode input) throws Exception {
        NodeRequired.assumeNode("decrypting with the real Alchemy");
        Path nodeDir = Path.of(System.getProperty("interop.node.dir", "node")).toAbsolutePath();
        Process p = new ProcessBuilder("node", "decrypt.mjs").directory(nodeDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(JSON.writeValueAsBytes(input));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node decrypt.mjs timed out");
        assertEquals(0, p.exitValue(), "node decrypt.mjs failed: " + out);
        return JSON.readTree(out);
    }

    @Test
    void realAlchemyDecryptsWhatWeSeal() throws Exception {
        Random r = new Random(94);
        SecretCodec codec = new SecretCodec("interop-password");
        ArrayNode input = JSON.createArrayNode();
        List<String> plaintexts = new ArrayList<>();
        List<JsonNode> jsonValues = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String text = randomUnicode(r, 48);
            plaintexts.add(text);
            input.addObject().put("password", "interop-password").set("secret", codec.seal(text, false));
        }
        for (int i = 0; i < 10; i++) {
            ObjectNode value = JSON.createObjectNode();
            value.put("user", randomUnicode(r, 8)).put("port", r.nextInt(65536)).put("tls", r.nextBoolean());
            value.putArray("list").add(i).add("x");
            jsonValues.add(value);
            input.addObject().put("password", "interop-password").set("secret", codec.seal(value.toString(), true));
        }
        ObjectNode tampered = (ObjectNode) codec.seal("tampered", false);
        tampered.put("tag", "AAAAAAAAAAAAAAAAAAAAAA==");
        input.addObject().put("password", "interop-password").set("secret", tampered);
        input.addObject().put("password", "wrong-password").set("secret", codec.seal("x", false));

        JsonNode out = decryptWithRealAlchemy(input);
        assertEquals(input.size(), out.size());
        for (int i = 0; i < 40; i++) {
            assertEquals(plaintexts.get(i), out.get(i).path("plaintext").asText(null), "secret " + i + ": " + out.get(i));
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(jsonValues.get(i), out.get(40 + i).get("value"), "JSON secret " + i);
        }
        assertTrue(out.get(50).has("error"), "tampered tag must fail in Alchemy too: " + out.get(50));
        assertTrue(out.get(51).has("error"), "wrong password must fail in Alchemy too: " + out.get(51));
    }
}
