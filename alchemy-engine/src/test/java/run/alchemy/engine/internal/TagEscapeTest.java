package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reading skips the tag lookups for a record whose text shows no key starting with {@code @}: a
 * tag written with its {@code @} escaped is still a tag, and a record without tags reads as before.
 */
class TagEscapeTest {
    private final StateSerde serde = new StateSerde();
    private final SecretCodec codec = new SecretCodec("password");

    private ObjectNode read(String json) {
        return serde.readRecord(json.getBytes(StandardCharsets.UTF_8), "test.json", codec);
    }

    @Test
    void aTagWhoseAtSignIsEscapedIsStillRevived() {
        String escaped = "{\"output\":{\"when\":{\"\\u0040date\":0},\"buf\":{\"\\u0040buffer\":\"aGk\"}}}";
        assertEquals("{\"@date\":\"1970-01-01T00:00:00.000Z\"}", read(escaped).at("/output/when").toString());
        assertEquals("{\"@buffer\":\"aGk=\"}", read(escaped).at("/output/buf").toString());
    }

    @Test
    void plainAndTaggedRecordsReadTheSame() {
        assertEquals("{\"@date\":\"1970-01-01T00:00:00.000Z\"}",
                read("{\"output\":{\"when\":{\"@date\":0}}}").at("/output/when").toString());
        assertEquals("{\"b\":\"x@y\",\"a\":[{\"1\":1,\"k\":\"@z\"}]}",
                read("{\"output\":{\"b\":\"x@y\",\"a\":[{\"k\":\"@z\",\"1\":1}]}}").get("output").toString(),
                "no tag, keys still put in JS order");
    }
}
