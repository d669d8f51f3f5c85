package run.alchemy.cli.soak;

import run.alchemy.store.durable.LocalWorker;
import run.alchemy.store.s3.testkit.LocalS3;
import run.alchemy.testkit.FaultyProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The store a soak runs on: its server (none for the file system; S3Proxy in this JVM; our worker
 * in real workerd), the {@link FaultyProxy} the deployers reach it through (S3 and DO), the URI and
 * environment the deployers open it with, and the URI past the proxy that the final check (a JVM
 * of its own, with the same environment: the stores read credentials from there) reads.
 * The stores' classes are not named: they are on this module's test class path at run time only.
 */
final class SoakTarget implements AutoCloseable {
    /** The Durable Object store's token variable, as {@code do+http://} URIs read it. */
    private static final String TOKEN_ENV = "ALCHEMY_STATE_TOKEN";

    final String name;
    /** What the deployers open: through the proxy where there is one. */
    final String uri;
    /** The deployers' credentials (none for the file system). */
    final Map<String, String> environment;
    /** Null for the file system: kills only. */
    final FaultyProxy proxy;
    /** The same store on the server itself, past the proxy. */
    final String directUri;
    private final AutoCloseable server;
    private final Path scratch;

    private SoakTarget(String name, String uri, Map<String, String> environment, FaultyProxy proxy,
                       AutoCloseable server, Path scratch, String directUri) {
        this.name = name;
        this.uri = uri;
        this.environment = environment;
        this.proxy = proxy;
        this.server = server;
        this.scratch = scratch;
        this.directUri = directUri;
    }

    /**
     * Starts {@code store} ({@code fs}, {@code s3} or {@code do}) with faults at {@code faultRate}
     * per request (S3 and DO; seeded).
     */
    static SoakTarget start(String store, long seed, double faultRate, long maxDelayMs) throws Exception {
        Path scratch = Files.createTempDirectory("alchemy-soak-" + store + "-");
        FaultyProxy.Policy faults = FaultyProxy.random(seed, faultRate, maxDelayMs);
        switch (store) {
            case "fs" -> {
                Path root = scratch.resolve(".alchemy");
                return new SoakTarget(store, "fs:" + root, Map.of(), null, null, scratch, "fs:" + root);
            }
            case "s3" -> {
                LocalS3 s3 = LocalS3.start();
                String bucket = s3.newBucket();
                FaultyProxy proxy = FaultyProxy.start(s3.endpoint(), faults);
                String uri = "s3://" + bucket + "/soak/?region=" + LocalS3.REGION + "&endpoint=" + proxy.uri()
                        + "&pathStyle=true";
                return new SoakTarget(store, uri, Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(),
                        "AWS_SECRET_ACCESS_KEY", s3.secretKey(), "AWS_REGION", LocalS3.REGION), proxy,
                        () -> { proxy.close(); s3.close(); }, scratch, s3.uri(bucket, "soak/"));
            }
            case "do" -> {
                LocalWorker worker = LocalWorker.ours().start();
                FaultyProxy proxy;
                try {
                    proxy = FaultyProxy.start(URI.create(worker.url()), faults);
                } catch (IOException e) {
                    worker.stop();
                    throw e;
                }
                String uri = "do+http://" + proxy.uri().getAuthority() + "?prefix=soak";
                return new SoakTarget(store, uri, Map.of(TOKEN_ENV, worker.token()), proxy,
                        () -> { proxy.close(); worker.stop(); }, scratch,
                        "do+http://" + URI.create(worker.url()).getAuthority() + "?prefix=soak");
            }
            default -> throw new IllegalArgumentException("--store is fs, s3 or do, not " + store);
        }
    }

    /** Faults injected so far (0 on the file system). */
    long faults() {
        return proxy == null ? 0 : proxy.faults();
    }

    /** Faults of each kind so far. */
    Map<String, Long> faultsByKind() {
        Map<String, Long> out = new java.util.TreeMap<>();
        if (proxy != null) {
            for (FaultyProxy.Fault f : FaultyProxy.Fault.values()) {
                out.put(f.name().toLowerCase(java.util.Locale.ROOT), proxy.count(f));
            }
        }
        return out;
    }

    /** Scratch space for the deployers' logs. */
    Path scratch() {
        return scratch;
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
