package run.alchemy.store.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.testkit.LogStoreContract;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class FileSystemLogStoreTest extends LogStoreContract {
    @TempDir
    Path dir;

    @Override
    protected FileSystemStateStore newStore() {
        return new FileSystemStateStore(root());
    }

    @Override
    protected FileSystemStateStore reopenStore() {
        return new FileSystemStateStore(root());
    }

    private Path root() {
        return dir.resolve(".alchemy");
    }

    private Path logDir() {
        return root().resolve(".alchemy-java/" + APP + "/" + STAGE);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(logDir().resolve("log"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    private Path onlySegment() throws IOException {
        List<Path> all = segments();
        assertEquals(1, all.size(), "segments: " + all);
        return all.get(0);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static void appendRaw(Path file, String text) throws IOException {
        Files.write(file, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    }

    /** Rewrites line {@code index} (0-based) of a segment with {@code edit} applied. */
    private static void editLine(Path file, int index, java.util.function.UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(lines(file));
        String before = lines.get(index);
        lines.set(index, edit.apply(before));
        assertFalse(before.equals(lines.get(index)), "the edit changed nothing");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ torn tails

    @Test
    void aTruncatedLastLineIsCutOffWhenTheLogIsReopened() throws Exception {
        log.append(0, records("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
        log.close();
        Path seg = onlySegment();
        long full = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(full - 4); // mid-way through record 3
        }
        LogStore reopened = second();
        assertEquals(2, reopened.head());
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), texts(readAll(reopened, 0)));
        assertEquals(2, lines(seg).size());
        assertEquals('\n', Files.readAllBytes(seg)[(int) Files.size(seg) - 1], "the torn bytes are gone");
        assertEquals(3, reopened.append(2, records("{\"n\":\"3 again\"}")));
        assertEquals(List.of(Map.entry(1L, "{\"n\":1}"), Map.entry(2L, "{\"n\":2}"), Map.entry(3L, "{\"n\":\"3 again\"}")),
                readAll(second(), 0));
    }

    @Test
    void aTornTailOfALargeSegmentIsFoundByReadingOnlyItsEnd() throws Exception {
        String pad = "x".repeat(300);
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= 5000; i++) {
            texts.add("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}");
        }
        for (int from = 0; from < 5000; from += 500) {
            log.append(from, records(texts.subList(from, from + 500).toArray(String[]::new)));
        }
        assertTrue(Files.size(onlySegment()) > 1 << 20, "bigger than the window read on open");
        appendRaw(onlySegment(), "0badc0de 5001 {\"torn\":");
        LogStore reopened = second();
        assertEquals(5000, reopened.head());
        assertEquals(5001, reopened.append(5000, records("{\"n\":5001}")));
        assertEquals(5001, positions(readAll(second(), 4990)).get(10));
        editLine(onlySegment(), 4999, line -> line.replace("\"n\":5000", "\"n\":5999"));
        StateCorruptedException e = assertThrows(StateCorruptedException.class, () -> second().head());
        assertTrue(e.location().contains("at byte"), e.location());
    }

    @Test
    void garbageWithoutANewlineIsCutOffWhenTheLogIsReopened() throws Exception {
        log.append(0, records("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
        appendRaw(onlySegment(), "0badc0de 4 {\"torn\":");
        LogStore reopened = second();
        assertEquals(3, reopened.head());
        assertEquals(List.of(1L, 2L, 3L), positions(readAll(reopened, 0)));
        assertEquals(4, reopened.append(3, records("{\"n\":4}")));
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"), texts(readAll(second(), 0)));
        assertEquals(4, lines(onlySegment()).size());
    }

    @Test
    void aLastLineWithAWrongChecksumIsCutOffWhenTheLogIsReopened() throws Exception {
        log.append(0, records("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
        Path seg = onlySegment();
        editLine(seg, 2, line -> (line.startsWith("00000000") ? "11111111" : "00000000") + line.substring(8));
        LogStore reopened = second();
        assertEquals(2, reopened.head());
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), texts(readAll(reopened, 0)));
        assertEquals(3, reopened.append(2, records("{\"n\":\"new 3\"}")));
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":\"new 3\"}"), texts(readAll(second(), 0)));
    }

    @Test
    void anOpenLogCutsATornTailLeftByACrashedWriterBeforeAppending() throws Exception {
        // Another process died mid-append after this log was opened: its half line must not be glued
        // to the next record (which would turn a torn tail into a corrupt, or silently cut, record).
        log.append(0, records("{\"n\":1}", "{\"n\":2}"));
        appendRaw(onlySegment(), "0badc0de 3 {\"torn\":");
        assertEquals(2, log.head());
        assertEquals(3, log.append(2, records("{\"n\":3}")));
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), texts(readAll(log, 0)));
        LogStore reopened = second();
        assertEquals(3, reopened.head());
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), texts(readAll(reopened, 0)));
    }

    @Test
    void aBadChecksumInAMiddleLineIsCorruptionNamingTheFileAndLine() throws Exception {
        log.append(0, records("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
        Path seg = onlySegment();
        editLine(seg, 1, line -> line.replace("{\"n\":2}", "{\"n\":7}"));
        long size = Files.size(seg);

        StateCorruptedException e = assertThrows(StateCorruptedException.class, () -> readAll(log, 0));
        assertEquals(seg + ":2", e.location());
        assertTrue(e.getMessage().contains(seg.getFileName().toString() + ":2"), e.getMessage());

        // Reopening must not mistake it for a torn tail and silently drop records 2 and 3.
        StateCorruptedException onOpen = assertThrows(StateCorruptedException.class, () -> {
            LogStore reopened = second();
            try {
                readAll(reopened, 0);
            } finally {
                reopened.close();
            }
        });
        assertEquals(seg + ":2", onOpen.location());
        assertEquals(size, Files.size(seg), "a corrupt log is left as it is, for an operator to inspect");
        assertEquals(3, lines(seg).size());
    }

    // ------------------------------------------------------------------ several processes

    @Test
    @Timeout(600)
    void appendsFromTwoProcessesSerialise() throws Exception {
        int perProcess = 200; // records, appended in batches of 2
        Path ready = dir.resolve("sync");
        Files.createDirectories(ready);
        Path go = ready.resolve("go");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String tag : List.of("A", "B")) {
            Path out = dir.resolve("child-" + tag + ".out");
            outputs.add(out);
            children.add(new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                    Appender.class.getName(), root().toString(), tag, Integer.toString(perProcess), ready.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start());
        }
        try {
            for (int polls = 0; !(Files.exists(ready.resolve("ready-A")) && Files.exists(ready.resolve("ready-B"))); polls++) {
                for (int i = 0; i < children.size(); i++) {
                    assertTrue(children.get(i).isAlive(), () -> "child died early: " + read(outputs.get(0)) + read(outputs.get(1)));
                }
                if (polls == 6000) {
                    fail("children never got ready"); // a hang guard, not a timing assertion
                }
                Thread.sleep(20);
            }
            Files.createFile(go);
            for (int i = 0; i < children.size(); i++) {
                Process child = children.get(i);
                assertTrue(child.waitFor(300, TimeUnit.SECONDS), "child did not finish");
                int index = i;
                assertEquals(0, child.exitValue(), () -> "child failed:\n" + read(outputs.get(index)));
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        System.out.println("appendsFromTwoProcessesSerialise: " + read(outputs.get(0)).trim() + "; "
                + read(outputs.get(1)).trim());

        for (LogStore reader : List.of(log, second())) {
            assertEquals(2L * perProcess, reader.head());
            List<Map.Entry<Long, String>> all = readAll(reader, 0);
            assertEquals(2 * perProcess, all.size());
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).getKey(), "dense positions");
                assertTrue(seen.add(all.get(i).getValue()), "twice: " + all.get(i).getValue());
            }
            for (String tag : List.of("A", "B")) {
                for (int n = 0; n < perProcess; n++) {
                    assertTrue(seen.contains(Appender.record(tag, n)), "missing " + Appender.record(tag, n));
                }
            }
            for (int i = 0; i < all.size(); i += 2) { // batches of 2 stay together
                String first = all.get(i).getValue();
                String next = all.get(i + 1).getValue();
                assertEquals(first.replaceAll("\"n\":(\\d+)", ""), next.replaceAll("\"n\":(\\d+)", ""),
                        "batch split at " + (i + 1));
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** A child process: appends {@code n} records in batches of 2, retrying each on conflict with a fresh head. */
    public static final class Appender {
        static String record(String tag, int n) {
            return "{\"writer\":\"" + tag + "\",\"n\":" + n + ",\"é\":\"☃\"}";
        }

        public static void main(String[] args) throws Exception {
            Path root = Path.of(args[0]);
            String tag = args[1];
            int n = Integer.parseInt(args[2]);
            Path sync = Path.of(args[3]);
            int conflicts = 0;
            try (LogStore log = new FileSystemStateStore(root).logStore(APP, STAGE).orElseThrow()) {
                log.head();
                Files.createFile(sync.resolve("ready-" + tag));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!Files.exists(sync.resolve("go"))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("never told to go");
                    }
                    Thread.sleep(1);
                }
                for (int i = 0; i < n; i += 2) {
                    List<byte[]> batch = List.of(record(tag, i).getBytes(StandardCharsets.UTF_8),
                            record(tag, i + 1).getBytes(StandardCharsets.UTF_8));
                    while (true) {
                        long head = log.head();
                        try {
                            log.append(head, batch);
                            break;
                        } catch (LogConflictException e) {
                            conflicts++;
                        }
                    }
                }
            }
            System.out.println(tag + ": " + n + " records, " + conflicts + " conflicts");
        }
    }

    // ------------------------------------------------------------------ where the log lives

    @Test
    void theLogLivesWhereAlchemyNeverLooks() throws Exception {
        store.put(List.of(APP, "dev"), "res", "{}".getBytes(StandardCharsets.UTF_8));
        store.put(List.of(APP, "dev", "res"), "child", "{}".getBytes(StandardCharsets.UTF_8));
        log.append(0, records("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
        log.putControl("projected", bytes("3"));
        assertTrue(log.createControl("lock/00000000000000000001", bytes("held")));
        log.append(3, records("{\"cp\":4}"));
        log.dropBelow(4);
        LogStore prod = store.logStore(APP, "prod").orElseThrow();
        prod.append(0, records("{\"stage\":\"prod\"}"));
        prod.close();

        assertTrue(Files.isDirectory(logDir().resolve("log")), "log in <root>/.alchemy-java/<app>/<stage>/");
        assertTrue(Files.isDirectory(root().resolve(".alchemy-java/" + APP + "/prod/log")));
        assertTrue(log.describe().contains(".alchemy-java"), log.describe());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root().resolve(".alchemy-java"))) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            assertFalse(f.getFileName().toString().endsWith(".json"), "Alchemy would read " + f);
            assertFalse(f.getFileName().toString().endsWith(".tmp"), "left behind: " + f);
        }
        try (Stream<Path> walk = Files.walk(root())) {
            List<Path> outside = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(root().resolve(".alchemy-java"))).toList();
            assertEquals(Set.of(root().resolve(APP + "/dev/res.json"), root().resolve(APP + "/dev/res/child.json")),
                    Set.copyOf(outside), "the log writes nothing among the snapshots");
        }

        for (FileSystemStateStore s : List.of((FileSystemStateStore) store, new FileSystemStateStore(root()))) {
            assertEquals(List.of(), s.list(List.of(APP)));
            assertEquals(List.of("dev"), s.listScopes(List.of(APP)));
            assertEquals(List.of("res"), s.list(List.of(APP, "dev")));
            assertEquals(List.of("res"), s.listScopes(List.of(APP, "dev")));
            assertEquals(List.of(), s.list(List.of(APP, "prod")));
            assertEquals(List.of(), s.listScopes(List.of(APP, "prod")));
        }
    }

    @Test
    void refusedOperationsLeaveNoTemporaryFiles() throws Exception {
        log.append(0, records("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> log.dropBelow(5));
        assertThrows(IllegalArgumentException.class, () -> log.append(2, records("x\ny")));
        assertThrows(IllegalArgumentException.class, () -> log.putControl("log", bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> log.createControl("log/00000000000000000001.seg", bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> log.putControl("append.lock", bytes("x")));
        assertTrue(log.createControl("lock/00000000000000000001", bytes("1")));
        assertFalse(second().createControl("lock/00000000000000000001", bytes("2")));
        log.putControl("projected", bytes("2"));
        try (Stream<Path> walk = Files.walk(logDir())) {
            List<String> names = walk.filter(Files::isRegularFile)
                    .map(p -> logDir().relativize(p).toString().replace(File.separatorChar, '/')).sorted().toList();
            assertEquals(List.of("append.lock", "lock/00000000000000000001", "log/" + onlySegment().getFileName(),
                    "projected"), names);
        }
        assertEquals(List.of("lock/00000000000000000001", "projected"), log.controls(""));
        assertArrayEquals(bytes("b"), lastRecord());
    }

    @Test
    void aDropInterruptedBeforeDeletingTheOldSegmentsReadsEachPositionOnce() throws Exception {
        log.append(0, records("a1", "a2"));
        log.append(2, records("cp3", "b4"));
        Path old = onlySegment();
        byte[] before = Files.readAllBytes(old);
        log.dropBelow(3);
        Files.write(old, before); // as if the process died between the rename and the deletes
        assertEquals(2, segments().size());
        for (LogStore reader : List.of(log, second())) {
            assertEquals(List.of(1L, 2L, 3L, 4L), positions(readAll(reader, 0)));
            assertEquals(4, reader.head());
        }
        assertEquals(5, log.append(4, records("c5")));
        log.dropBelow(5);
        assertEquals(List.of("c5"), texts(readAll(second(), 0)));
    }

    @Test
    void writeAllLeavesTheFsyncsToSyncAndPutStillSyncsAtOnce() throws Exception {
        // Durability itself cannot be observed without a power cut: this checks the files are right
        // and that sync() copes with files written, replaced and deleted since.
        FileSystemStateStore s = (FileSystemStateStore) store;
        s.writeAll(List.of(new run.alchemy.api.spi.StateStore.Write(List.of(APP, "dev"), "a", bytes("{\"a\":1}")),
                new run.alchemy.api.spi.StateStore.Write(List.of(APP, "dev", "g"), "b", bytes("{}"))));
        s.writeAll(List.of(new run.alchemy.api.spi.StateStore.Write(List.of(APP, "dev", "g"), "b", null)));
        s.sync();
        s.sync();
        assertEquals("{\"a\":1}", text(s.get(List.of(APP, "dev"), "a").orElseThrow()));
        assertTrue(s.get(List.of(APP, "dev", "g"), "b").isEmpty());
        assertFalse(s.hasLog(APP, "dev"), "snapshot writes make no log");
    }
    private byte[] lastRecord() {
        byte[][] last = new byte[1][];
        log.read(0, (pos, rec) -> {
            last[0] = rec;
            return true;
        });
        return last[0];
    }
}
