package run.alchemy.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every regular file of Alchemy's state under a {@code .alchemy} directory: relative path ('/'-separated)
 * → its bytes as UTF-8 text. alchemy-java's own event log ({@code .alchemy-java/}) is not Alchemy's state.
 */
final class StateSnapshot {
    private StateSnapshot() {
    }

    static Map<String, String> of(Path dir) {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).startsWith(".alchemy-java"))
                    .toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                // byte-exact: decoding is lossless for the UTF-8 JSON both sides write; compare the raw bytes too
                byte[] bytes = Files.readAllBytes(p);
                files.put(rel, new String(bytes, StandardCharsets.UTF_8) + "\n#sha256=" + sha256(bytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
