package run.alchemy.engine.internal.state;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The index is a cache beside the log: what it cannot use it ignores (the log is read instead),
 * and it never adopts or allocates what a damaged line claims. The damaged inputs are what the
 * fuzzer found (alchemy-fuzz IndexTarget).
 */
class ProjectionIndexTest {
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final Key KEY = new Key(List.of("app", "stage"), "a");

    private static String line() {
        return Snapshot.digest(BODY) + " [\"app\",\"stage\",\"a\"]\n";
    }

    private static long load(ProjectionIndex index, String text) {
        return index.load(Optional.of(text.getBytes(StandardCharsets.UTF_8)), 100);
    }

    @Test
    void aWellFormedIndexLoadsWithItsBodies() {
        ProjectionIndex index = new ProjectionIndex();
        assertEquals(7, load(index, "alchemy-java-index 3 7\n" + line() + "+" + BODY.length + " etag-1\n"
                + new String(BODY, StandardCharsets.UTF_8) + "\n"));
        assertEquals(Snapshot.digest(BODY), index.expected(KEY));
        assertNotNull(index.known(KEY, "etag-1"));
    }

    @Test
    void aNegativePositionIsNoPosition() {
        ProjectionIndex index = new ProjectionIndex();
        assertEquals(0, load(index, "alchemy-java-index 3 -9\n" + line()));
        assertNull(index.expected(KEY));
    }

    @Test
    void aBodyLongerThanTheIndexMakesItUnusableWithoutAllocatingIt() {
        ProjectionIndex index = new ProjectionIndex();
        // Before: Arrays.copyOfRange allocated the 2 GB the line claims, and the JVM ran out of memory.
        assertEquals(0, load(index, "alchemy-java-index 3 7\n" + line() + "+2147483000 etag-1\n{}\n"));
        assertNull(index.expected(KEY));
        assertEquals(0, load(index, "alchemy-java-index 3 7\n" + line() + "+-5 etag-1\n{}\n"));
    }

    @Test
    void anIndexOfSha256HashesFromAnEarlierVersionIsNotUsed() throws Exception {
        ProjectionIndex index = new ProjectionIndex();
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(BODY));
        assertEquals(0, load(index, "alchemy-java-index 2 7\n" + sha256 + " [\"app\",\"stage\",\"a\"]\n"));
        assertNull(index.expected(KEY), "the log is read instead");
    }

    @Test
    void aDigestChangesWithAnyByteAndIsTheSameForTheSameBytes() {
        byte[] other = BODY.clone();
        other[other.length - 2] = '2';
        assertEquals(16, Snapshot.digest(BODY).length());
        assertEquals(Snapshot.digest(BODY.clone()), Snapshot.digest(BODY));
        assertNotEquals(Snapshot.digest(BODY), Snapshot.digest(other));
        assertNotEquals(Snapshot.digest(new byte[0]), Snapshot.digest(new byte[1]), "a zero byte more is another digest");
    }
}
