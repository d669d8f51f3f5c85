package run.alchemy.store.s3;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 proxy in front of the S3 server that misbehaves on purpose: per request it may
 * pass it on, delay it, hang (answer only after 2 s), answer 500 or 503 itself (as S3 does when
 * it fails or throttles), answer 409 {@code ConditionalRequestConflict} (as S3 does to a conditional
 * write racing another), answer
 * 301 the way S3 answers for a bucket in another region, drop the connection before the request
 * reaches the server, or drop it after the server acted but before the answer gets back (the
 * case where a retried write meets its own first attempt). Each request gets its own upstream
 * connection; answers carry {@code Connection: close}.
 */
final class FaultProxy implements AutoCloseable {
    enum Fault { NONE, DELAY, HANG, ERROR_500, ERROR_503, CONFLICT_409, DROP_BEFORE, DROP_AFTER, WRONG_REGION }

    /** Decides the fault for a request from its request line ({@code PUT /bucket/key?… HTTP/1.1}). */
    @FunctionalInterface
    interface Policy {
        Fault decide(String requestLine);
    }

    private final URI upstream;
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Fault> injected = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Policy policy;

    FaultProxy(URI upstream, Policy policy) throws IOException {
        this.upstream = upstream;
        this.policy = policy;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void policy(Policy policy) {
        this.policy = policy;
    }

    /** The faults injected so far (NONE excluded). */
    List<Fault> injected() {
        synchronized (injected) {
            return List.copyOf(injected);
        }
    }

    int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                pool.submit(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            requests.incrementAndGet();
            Fault fault = policy.decide(head.get(0));
            if (fault != Fault.NONE) {
                injected.add(fault);
            }
            if (fault == Fault.DROP_BEFORE) {
                return;
            }
            if (header(head, "expect") != null) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] body = readBody(in, head);
            switch (fault) {
                case ERROR_500 -> answer(out, 500, "Internal Server Error", "InternalError",
                        "We encountered an internal error. Please try again.", null);
                case ERROR_503 -> answer(out, 503, "Slow Down", "SlowDown", "Please reduce your request rate.", null);
                case CONFLICT_409 -> answer(out, 409, "Conflict", "ConditionalRequestConflict",
                        "A conflicting operation occurred. If using PutObject you can retry the request.", null);
                case WRONG_REGION -> answer(out, 301, "Moved Permanently", "PermanentRedirect",
                        "The bucket you are attempting to access must be addressed using the specified endpoint.",
                        "x-amz-bucket-region: eu-west-3\r\n");
                default -> {
                    if (fault == Fault.DELAY || fault == Fault.HANG) {
                        Thread.sleep(fault == Fault.DELAY ? 150 : 2_000);
                    }
                    byte[] response = forward(head, body);
                    if (fault == Fault.DROP_AFTER) {
                        return;
                    }
                    out.write(response);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the proxy is closing
        }
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The request line and headers, or empty at end of stream. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        if (!lines.isEmpty()) {
            throw new EOFException("request head cut short");
        }
        return lines;
    }

    private static byte[] readBody(InputStream in, List<String> head) throws IOException {
        String length = header(head, "content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length));
        }
        String encoding = header(head, "transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                raw.writeBytes((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    String trailer;
                    while (!(trailer = readLine(in)).isEmpty()) {
                        raw.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    raw.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return raw.toByteArray();
                }
                raw.writeBytes(in.readNBytes(n + 2));
            }
        }
        return new byte[0];
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0) {
            throw new EOFException("chunked body cut short");
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** Sends the request upstream on a fresh connection and returns the whole answer, marked Connection: close. */
    private byte[] forward(List<String> head, byte[] body) throws IOException {
        try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
            StringBuilder request = new StringBuilder(head.get(0)).append("\r\n");
            for (String line : head.subList(1, head.size())) {
                String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
                if (!name.equals("connection") && !name.equals("expect")) {
                    request.append(line).append("\r\n");
                }
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = up.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            byte[] response = up.getInputStream().readAllBytes();
            return markClose(response);
        }
    }

    private static byte[] markClose(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return response;
        }
        StringBuilder head = new StringBuilder();
        for (String line : text.substring(0, end).split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                head.append(line).append("\r\n");
            }
        }
        head.append("Connection: close");
        return (head + text.substring(end)).getBytes(StandardCharsets.ISO_8859_1); // the blank line and body
    }

    private static void answer(OutputStream out, int status, String reason, String code, String message, String extra)
            throws IOException {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>fault-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + xml.length + "\r\n" + (extra == null ? "" : extra) + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(xml);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
