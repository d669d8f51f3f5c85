package run.alchemy.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a store's server (S3Proxy, a worker in workerd) that
 * injects faults a store client must survive: for each request its {@link Policy} chooses to pass
 * it on, drop the connection before forwarding it (the server never saw it), drop it after the
 * server answered (the request took effect, its answer was lost on the way back), answer 503
 * itself or answer as the policy says (a store's own error document), or pass it on after a delay. One request per connection ({@code Connection: close} both
 * ways), and an {@code Expect: 100-continue} is answered here, so that whole requests and answers
 * are read before a fault is chosen. The JDK only: it serves any client (the AWS SDK, OkHttp).
 */
public final class FaultyProxy implements AutoCloseable {
    /** What happens to one request. */
    public enum Fault {
        /** Forwarded and answered. */
        NONE,
        /** The connection is closed after the request was read, before it is forwarded: it never took effect. */
        DROP_BEFORE,
        /** Forwarded, and the connection closed instead of answering: it took effect, the client never hears. */
        DROP_AFTER,
        /** Answered {@code 503 Service Unavailable} here, not forwarded. */
        ERROR_503,
        /** Answered here with {@link Policy#answerOf}, not forwarded. */
        ANSWER,
        /** Forwarded and answered after a pause (see {@link Policy#delayOf}). */
        DELAY
    }

    /**
     * A request as read from the client.
     *
     * @param method e.g. {@code PUT}
     * @param target the request target, e.g. {@code /bucket/key?x=1}
     * @param body   its body (a chunked one decoded)
     */
    public record Request(String method, String target, byte[] body) {
        /**
         * The body as UTF-8 text.
         *
         * @return the text
         */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * An answer the proxy gives itself.
     *
     * @param status  the status code, e.g. {@code 500}
     * @param reason  its reason phrase, e.g. {@code Internal Server Error}
     * @param headers further header lines, each {@code Name: value}
     * @param type    the body's content type
     * @param body    the body
     */
    public record Answer(int status, String reason, List<String> headers, String type, String body) {
        /**
         * An answer with unmodifiable headers.
         *
         * @param status  the status code
         * @param reason  its reason phrase
         * @param headers further header lines
         * @param type    the body's content type
         * @param body    the body
         */
        public Answer {
            headers = List.copyOf(headers);
        }
    }

    /** The answer of {@link Fault#ERROR_503}. */
    private static final Answer UNAVAILABLE = new Answer(503, "Service Unavailable", List.of(), "text/plain",
            "fault injected by the test proxy");

    /** Chooses the fault of each request; called from many threads at once. */
    @FunctionalInterface
    public interface Policy {
        /**
         * The fault for {@code request}.
         *
         * @param request the request read
         * @return what to do with it; a {@link Fault#DELAY} waits {@link #delayOf(Request)}
         */
        Fault decide(Request request);

        /**
         * How long a {@link Fault#DELAY} of {@code request} waits.
         *
         * @param request the request delayed
         * @return milliseconds; 200 unless overridden
         */
        default long delayOf(Request request) {
            return 200;
        }

        /**
         * What a {@link Fault#ANSWER} of {@code request} answers.
         *
         * @param request the request answered
         * @return the answer; a plain 503 unless overridden
         */
        default Answer answerOf(Request request) {
            return UNAVAILABLE;
        }
    }

    /**
     * Random faults, reproducible for a seed as far as the order of requests is: each request gets
     * one of the four faults with probability {@code rate / 4} each, a delay of up to
     * {@code maxDelayMs}.
     *
     * @param seed       the random sequence
     * @param rate       the probability of any fault, in [0, 1]
     * @param maxDelayMs the longest delay, at least 1
     * @return the policy
     */
    public static Policy random(long seed, double rate, long maxDelayMs) {
        Random random = new Random(seed);
        Fault[] faults = {Fault.DROP_BEFORE, Fault.DROP_AFTER, Fault.ERROR_503, Fault.DELAY};
        return new Policy() {
            @Override
            public Fault decide(Request request) {
                synchronized (random) {
                    return random.nextDouble() < rate ? faults[random.nextInt(faults.length)] : Fault.NONE;
                }
            }

            @Override
            public long delayOf(Request request) {
                synchronized (random) {
                    return 1 + random.nextInt((int) Math.max(1, maxDelayMs));
                }
            }
        };
    }

    /**
     * Drops the answer ({@link Fault#DROP_AFTER}) of the first {@code times} requests whose body
     * text matches; passes on everything else.
     *
     * @param body  which requests
     * @param times how many of them
     * @return the policy
     */
    public static Policy dropAnswers(Predicate<String> body, int times) {
        AtomicInteger left = new AtomicInteger(times);
        return r -> body.test(r.text()) && left.getAndDecrement() > 0 ? Fault.DROP_AFTER : Fault.NONE;
    }

    private final String host;
    private final int port;
    private final Policy policy;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final boolean record;

    private FaultyProxy(URI upstream, Policy policy, boolean record) throws IOException {
        this.host = upstream.getHost();
        this.port = upstream.getPort() < 0 ? 80 : upstream.getPort();
        this.policy = policy;
        this.record = record;
        for (Fault f : Fault.values()) {
            counts.put(f, new AtomicLong());
        }
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /**
     * Starts a proxy in front of {@code upstream}.
     *
     * @param upstream the server, {@code http://HOST:PORT} (plain HTTP)
     * @param policy   the faults
     * @return the running proxy, to close
     * @throws IOException if no port can be bound on 127.0.0.1
     */
    public static FaultyProxy start(URI upstream, Policy policy) throws IOException {
        return new FaultyProxy(upstream, policy, false);
    }

    /**
     * Starts a proxy that also keeps the body of every request it forwards (see {@link #forwarded()}):
     * for short tests only, it grows without bound.
     *
     * @param upstream the server, {@code http://HOST:PORT}
     * @param policy   the faults
     * @return the running proxy, to close
     * @throws IOException if no port can be bound on 127.0.0.1
     */
    public static FaultyProxy recording(URI upstream, Policy policy) throws IOException {
        return new FaultyProxy(upstream, policy, true);
    }

    /**
     * Where clients connect.
     *
     * @return {@code http://127.0.0.1:PORT}
     */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /**
     * How many requests got {@code fault} so far.
     *
     * @param fault a fault, or {@link Fault#NONE} for those passed on untouched
     * @return the count
     */
    public long count(Fault fault) {
        return counts.get(fault).get();
    }

    /**
     * How many requests the proxy read so far, with a fault or without.
     *
     * @return the count
     */
    public long requests() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /**
     * How many requests got any fault but {@link Fault#NONE} so far.
     *
     * @return the count
     */
    public long faults() {
        return counts.entrySet().stream().filter(e -> e.getKey() != Fault.NONE).mapToLong(e -> e.getValue().get()).sum();
    }

    /**
     * The body text of every request forwarded to the server, in order (a proxy started with
     * {@link #recording}; else empty).
     *
     * @return a snapshot of the list
     */
    public List<String> forwarded() {
        return new ArrayList<>(forwarded);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                threads.execute(() -> serve(s));
            } catch (IOException | java.util.concurrent.RejectedExecutionException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            client.setSoTimeout(120_000);
            HttpMessage request = HttpMessage.read(in, true, null, () -> {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            });
            if (request == null) {
                return; // the client opened and closed a connection: nothing to do
            }
            String[] line = request.start().split(" ", 3);
            Request r = new Request(line[0], line.length > 1 ? line[1] : "/", request.body());
            Fault fault = policy.decide(r);
            counts.get(fault).incrementAndGet();
            switch (fault) {
                case DROP_BEFORE -> {
                    return;
                }
                case ERROR_503, ANSWER -> {
                    answer(out, fault == Fault.ANSWER ? policy.answerOf(r) : UNAVAILABLE);
                    return;
                }
                case DELAY -> Thread.sleep(policy.delayOf(r));
                default -> { }
            }
            if (record) {
                forwarded.add(r.text());
            }
            HttpMessage answer;
            try (Socket upstream = new Socket(host, port)) {
                upstream.setSoTimeout(120_000);
                OutputStream up = upstream.getOutputStream();
                request.write(up);
                answer = HttpMessage.read(upstream.getInputStream(), false, line[0], null);
            }
            if (answer == null || fault == Fault.DROP_AFTER) {
                return; // the server did it (or said nothing); the client never hears
            }
            answer.write(out);
        } catch (IOException | RuntimeException e) {
            // the client sees a dropped connection, which it must cope with anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(OutputStream out, Answer a) throws IOException {
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(a.status()).append(' ').append(a.reason())
                .append("\r\nContent-Type: ").append(a.type()).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        a.headers().forEach(h -> head.append(h).append("\r\n"));
        out.write(head.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Stops accepting; connections in flight end on their own. */
    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdown();
    }
}
