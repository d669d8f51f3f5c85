package run.alchemy.testkit;

import java.io.ByteArrayOutputStream;
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
import java.util.Locale;
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
 * itself, or pass it on after a delay. One request per connection ({@code Connection: close} both
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
            Message request = Message.read(in, true, null, () -> {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            });
            if (request == null) {
                return; // the client opened and closed a connection: nothing to do
            }
            String[] line = request.start.split(" ", 3);
            Request r = new Request(line[0], line.length > 1 ? line[1] : "/", request.body);
            Fault fault = policy.decide(r);
            counts.get(fault).incrementAndGet();
            switch (fault) {
                case DROP_BEFORE -> {
                    return;
                }
                case ERROR_503 -> {
                    byte[] text = "fault injected by the test proxy".getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: "
                            + text.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(text);
                    out.flush();
                    return;
                }
                case DELAY -> Thread.sleep(policy.delayOf(r));
                default -> { }
            }
            if (record) {
                forwarded.add(r.text());
            }
            Message answer;
            try (Socket upstream = new Socket(host, port)) {
                upstream.setSoTimeout(120_000);
                OutputStream up = upstream.getOutputStream();
                request.write(up);
                answer = Message.read(upstream.getInputStream(), false, line[0], null);
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

    /** A request or an answer: its first line, its headers (framing ones left out) and its whole body. */
    private record Message(String start, List<String> headers, byte[] body, boolean hasBody) {
        /** Something to do when a request says {@code Expect: 100-continue}. */
        interface Continue {
            void send() throws IOException;
        }

        /**
         * Reads one message; null at a clean end of stream before it. {@code method} is the request's,
         * for an answer (a HEAD's has no body).
         */
        static Message read(InputStream in, boolean isRequest, String method, Continue cont) throws IOException {
            String head = readHead(in);
            if (head == null) {
                return null;
            }
            String[] lines = head.split("\r\n");
            List<String> headers = new ArrayList<>();
            long length = -1;
            boolean chunked = false;
            boolean expect = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "expect" -> expect = value.equalsIgnoreCase("100-continue");
                    case "connection", "keep-alive", "proxy-connection" -> { }
                    default -> headers.add(lines[i]);
                }
            }
            if (expect && cont != null) {
                cont.send();
            }
            byte[] body;
            boolean hasBody;
            if (chunked) {
                body = readChunked(in);
                hasBody = true;
            } else if (length >= 0) {
                body = in.readNBytes((int) length);
                if (body.length < length) {
                    throw new IOException("the body ended early");
                }
                hasBody = true;
            } else if (isRequest || "HEAD".equals(method) || noBody(lines[0])) {
                body = new byte[0];
                hasBody = false;
            } else {
                body = in.readAllBytes(); // an answer framed by the end of the connection
                hasBody = true;
            }
            if (!isRequest && "HEAD".equals(method)) {
                // a HEAD's answer keeps its Content-Length (the object's), and sends no body
                if (length >= 0) {
                    headers.add("Content-Length: " + length);
                }
                hasBody = false;
            }
            return new Message(lines[0], headers, body, hasBody);
        }

        private static boolean noBody(String statusLine) {
            String[] parts = statusLine.split(" ");
            return parts.length > 1 && (parts[1].startsWith("1") || parts[1].equals("204") || parts[1].equals("304"));
        }

        void write(OutputStream out) throws IOException {
            StringBuilder b = new StringBuilder(start).append("\r\n");
            for (String h : headers) {
                b.append(h).append("\r\n");
            }
            if (hasBody) {
                b.append("Content-Length: ").append(body.length).append("\r\n");
            }
            b.append("Connection: close\r\n\r\n");
            out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (hasBody) {
                out.write(body);
            }
            out.flush();
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers: dropped
                    }
                    return body.toByteArray();
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length < n) {
                    throw new IOException("a chunk ended early");
                }
                body.write(chunk);
                readLine(in);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("the stream ended in a line");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }

        /** The head up to its blank line, without it; null at end of stream before any byte. */
        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new IOException("connection closed in a message head");
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            return text.substring(0, text.length() - 4);
        }
    }

    /** Stops accepting; connections in flight end on their own. */
    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdown();
    }
}
