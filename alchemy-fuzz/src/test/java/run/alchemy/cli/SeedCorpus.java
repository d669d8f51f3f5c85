package run.alchemy.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the generated part of the seed corpus from a real run: {@code alchemy deploy --file} of
 * a small stack to a file-system store, twice (a create, then a change), then the bytes it wrote
 * (log segments, their lines, the index, the records, and the log as S3 batches) as seeds for the
 * targets that read them. Run it again when a format changes:
 * {@code mvn -pl alchemy-fuzz -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=run.alchemy.cli.SeedCorpus -Dexec.args=alchemy-fuzz/src/test/resources/corpus}.
 */
public final class SeedCorpus {
    private SeedCorpus() {
    }

    /**
     * Writes the seeds.
     *
     * @param args the corpus directory
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args[0]);
        Path work = Files.createTempDirectory("alchemy-seeds");
        Path stack = work.resolve("stack.json");
        Path store = work.resolve(".alchemy");
        for (String text : List.of("one", "two")) {
            Files.writeString(stack, """
                    {"app": "seed-app", "stage": "dev", "resources": [
                      {"id": "site", "kind": "fs::Folder", "props": {"path": "%1$s/site", "clean": true}},
                      {"id": "readme", "kind": "fs::File", "props": {"path": "%1$s/site/README.md", "content": "%2$s"}},
                      {"id": "api", "kind": "alchemy::Value", "props": {"url": "https://x", "tags": ["a", 2]}}],
                     "scopes": [{"name": "child", "resources": [
                      {"id": "note", "kind": "fs::File", "props": {"path": "%1$s/note.txt", "content": "n"}}]}]}
                    """.formatted(work, text));
            int rc = Main.commandLine().execute("deploy", "--file", stack.toString(), "--store", "fs:" + store);
            if (rc != 0) {
                throw new IllegalStateException("deploy exited " + rc);
            }
        }
        write(corpus.resolve("StackTarget/stack.json"), Files.readAllBytes(stack));
        List<byte[]> events = new ArrayList<>();
        try (Stream<Path> files = Files.walk(store)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = store.relativize(f).toString().replace('/', '_');
                byte[] bytes = Files.readAllBytes(f);
                if (name.endsWith(".seg")) {
                    write(corpus.resolve("SegmentTarget/raw-" + name), prefixed((byte) 0, bytes));
                    write(corpus.resolve("SegmentTarget/checksummed-" + name), prefixed((byte) 1, bytes));
                    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                        String event = line.substring(line.indexOf(' ', 9) + 1);
                        events.add(event.getBytes(StandardCharsets.UTF_8));
                    }
                } else if (name.endsWith(".json")) {
                    write(corpus.resolve("RecordTarget/run-" + name), bytes);
                } else if (name.contains("index")) {
                    write(corpus.resolve("IndexTarget/" + name), bytes);
                }
            }
        }
        for (int i = 0; i < events.size(); i++) {
            write(corpus.resolve("EventTarget/event-" + (i + 1)), events.get(i));
        }
        // The same log as S3 and R2 keep it: two batches, the second after the first.
        int half = events.size() / 2;
        byte[] objects = concat(batch(1, events.subList(0, half)), new byte[] {0},
                batch(half + 1, events.subList(half, events.size())));
        write(corpus.resolve("LogObjectTarget/two-batches"), objects);
    }

    private static byte[] batch(long first, List<byte[]> records) {
        StringBuilder out = new StringBuilder(String.format("log/%020d%n", first));
        out.append("alchemy-java-batch 1 ").append(first).append(' ').append(records.size()).append(" seed-batch\n");
        records.forEach(r -> out.append(new String(r, StandardCharsets.UTF_8)).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] prefixed(byte mode, byte[] bytes) {
        return concat(new byte[] {mode}, bytes);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
