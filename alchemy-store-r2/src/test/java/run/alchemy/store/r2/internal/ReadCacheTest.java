package run.alchemy.store.r2.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read cache answers only with bytes whose MD5 is the ETag asked for. */
class ReadCacheTest {
    @TempDir
    Path dir;

    @Test
    void aBodyIsFoundByItsEtagInEitherSpellingAndADamagedOrForeignFileIsAMiss() throws Exception {
        ReadCache cache = ReadCache.in(dir.resolve("c"));
        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        cache.put(body);
        String etag = ReadCache.md5(body);
        assertArrayEquals(body, cache.get(etag).orElseThrow());
        assertArrayEquals(body, cache.get("\"" + etag.toUpperCase() + "\"").orElseThrow(), "the header's quoted form");
        assertTrue(cache.get(etag + "-2").isEmpty(), "a multipart ETag is no MD5");
        assertTrue(cache.get(null).isEmpty());
        Files.writeString(dir.resolve("c").resolve(etag), "{\"n\":2}");
        assertTrue(cache.get(etag).isEmpty(), "a file whose bytes are not its name's is never used");
    }
}
