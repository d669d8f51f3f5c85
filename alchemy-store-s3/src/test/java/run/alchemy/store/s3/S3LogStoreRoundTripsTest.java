package run.alchemy.store.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.s3.internal.S3Objects;
import run.alchemy.store.s3.testkit.LocalS3;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What opening a stage on S3 waits for: round trips, not objects. On a network each request sent
 * after the previous one answered costs a round trip (20–80 ms to S3 in another region), so the
 * control objects are read at once and the floor is listed while the last batch's header is read.
 * Each test holds the requests it names at a gate that opens once all of them were sent: requests
 * sent one after another never open it, and each gives up after a while and reports so.
 */
class S3LogStoreRoundTripsTest {
    private static final String ROOT = "alchemy/.alchemy-java/app/dev/";

    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();

    @Test
    void theControlObjectsAreReadAtOnce() {
        try (S3Objects objects = objects()) {
            LogStore log = logOn(objects);
            log.append(0, List.of(bytes("{\"n\":1}")));
            log.putControl("index", bytes("index"));
            log.putControl("projected", bytes("1\n"));
            log.createControl("lock/00000000000000000001", bytes("{}"));
            Gate gate = new Gate(Set.of(ROOT + "index", ROOT + "projected", ROOT + "lock/00000000000000000001"));

            LogStore.View view = logOn(new Gated(objects, gate)).view("");

            assertEquals(Set.of("index", "lock/00000000000000000001", "projected"), view.controls().keySet());
            assertEquals("1\n", new String(view.controls().get("projected").bytes(), StandardCharsets.UTF_8));
            assertEquals(1, view.head());
            assertEquals(Set.of(), gate.sentAlone(), "control objects read one after another");
        }
    }

    @Test
    void theFloorIsListedWhileTheLastBatchIsRead() {
        try (S3Objects objects = objects()) {
            LogStore log = logOn(objects);
            log.append(0, List.of(bytes("{\"n\":1}"), bytes("{\"n\":2}")));
            log.append(2, List.of(bytes("{\"n\":3}")));
            log.dropBelow(3);
            Gate gate = new Gate(Set.of(ROOT + "log/00000000000000000003", ROOT + "floor/"));

            long head = logOn(new Gated(objects, gate)).head();

            assertEquals(3, head);
            assertEquals(Set.of(), gate.sentAlone(), "the floor listed after the last batch's header was read");
        }
    }

    private static S3Objects objects() {
        return new S3Objects(s3.client(), false, s3.newBucket(), s3.endpoint().toString(), 16);
    }

    private static LogStore logOn(LogObjects objects) {
        return new ObjectLogs(objects, "alchemy/").logStore("app", "dev");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Holds each named request until every named one was sent; one that waited in vain is remembered. */
    private static final class Gate {
        private final Set<String> keys;
        private final CountDownLatch sent;
        private final Set<String> alone = ConcurrentHashMap.newKeySet();

        Gate(Set<String> keys) {
            this.keys = keys;
            this.sent = new CountDownLatch(keys.size());
        }

        void pass(String key) {
            if (!keys.contains(key)) {
                return;
            }
            sent.countDown();
            try {
                if (!sent.await(3, TimeUnit.SECONDS)) {
                    alone.add(key);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                alone.add(key);
            }
        }

        /** The named requests that were not in flight together with all the others. */
        Set<String> sentAlone() {
            return alone;
        }
    }

    /** The objects, each read and listing passing {@link Gate} first. */
    private record Gated(LogObjects objects, Gate gate) implements LogObjects {
        @Override
        public Optional<byte[]> get(String key) {
            gate.pass(key);
            return objects.get(key);
        }

        @Override
        public Optional<Fetched> getWithETag(String key) {
            gate.pass(key);
            return objects.getWithETag(key);
        }

        @Override
        public Optional<byte[]> head(String key, int length) {
            gate.pass(key);
            return objects.head(key, length);
        }

        @Override
        public String put(String key, byte[] body, String contentType) {
            return objects.put(key, body, contentType);
        }

        @Override
        public Create putIfAbsent(String key, byte[] body, String contentType) {
            return objects.putIfAbsent(key, body, contentType);
        }

        @Override
        public void delete(String key) {
            objects.delete(key);
        }

        @Override
        public void deleteAll(List<String> keys) {
            objects.deleteAll(keys);
        }

        @Override
        public Listing list(String prefix, String delimiter, String startAfter) {
            gate.pass(prefix);
            return objects.list(prefix, delimiter, startAfter);
        }

        @Override
        public <T> Future<T> submit(Supplier<T> task) {
            return objects.submit(task);
        }

        @Override
        public int parallelism() {
            return objects.parallelism();
        }

        @Override
        public String url(String key) {
            return objects.url(key);
        }
    }
}
