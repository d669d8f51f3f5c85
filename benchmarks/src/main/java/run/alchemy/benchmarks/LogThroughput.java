package run.alchemy.benchmarks;

import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.store.fs.internal.FileSystemLogStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Event-log throughput on the file-system log: appends with group commit (batches of 1,024, one
 * fsync each) and without (one fsync per event), replay (raw checksummed reads, and decoded into a
 * fold), and the open-time tail check of a full segment.
 * {@code java -cp benchmarks/target/benchmarks.jar run.alchemy.benchmarks.LogThroughput [events]}.
 */
public final class LogThroughput {
    private LogThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("alchemy-log-throughput");
        String snapshot = "{\n  \"kind\": \"bench::Thing\",\n  \"id\": \"res-000001\",\n  \"status\": \"created\",\n"
                + "  \"props\": {\n    \"name\": \"res-000001\",\n    \"index\": 1\n  }\n}";
        byte[] record = EventCodec.encode(new ResourceEvent(0, Instant.now(), "run", ResourceEvent.Type.CREATED,
                List.of("bench-app", "bench"), "res-000001", "bench::Thing", snapshot));
        System.out.println("event bytes: " + record.length);

        FileSystemLogStore grouped = new FileSystemLogStore(dir.resolve("grouped"));
        long start = System.nanoTime();
        long head = 0;
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(record);
            if (batch.size() == 1024 || i == n - 1) {
                head = grouped.append(head, batch);
                batch = new ArrayList<>();
            }
        }
        report("append, group commit (1,024 a batch)", n, start);

        FileSystemLogStore single = new FileSystemLogStore(dir.resolve("single"));
        int m = Math.min(n, 2000);
        start = System.nanoTime();
        long h = 0;
        for (int i = 0; i < m; i++) {
            h = single.append(h, List.of(record));
        }
        report("append, one fsync per event", m, start);

        long[] count = {0};
        start = System.nanoTime();
        grouped.read(0, (position, bytes) -> ++count[0] > 0);
        report("replay, raw (checksummed lines)", count[0], start);

        Map<String, String> fold = new HashMap<>();
        start = System.nanoTime();
        grouped.read(0, (position, bytes) -> {
            Event e = EventCodec.decode(position, bytes, "bench");
            if (e instanceof ResourceEvent r) {
                fold.put(r.id(), r.snapshot());
            }
            return true;
        });
        report("replay, decoded into a fold", count[0], start);

        start = System.nanoTime();
        new FileSystemLogStore(dir.resolve("grouped")).head();
        System.out.printf("open (torn-tail check of the last segment): %.1f ms%n", (System.nanoTime() - start) / 1e6);
    }

    private static void report(String what, long events, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%-40s %,10d events in %6.2f s = %,12.0f events/s%n", what, events, seconds, events / seconds);
    }
}
