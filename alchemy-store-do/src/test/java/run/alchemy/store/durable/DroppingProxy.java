package run.alchemy.store.durable;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on 127.0.0.1 in front of a real worker that forwards every request and, for the
 * first {@code drops} whose body matches, closes the connection instead of answering: the request
 * took effect on the worker, its answer was lost on the way back. One request per connection.
 */
final class DroppingProxy implements AutoCloseable {
    private final String upstream;
    private final Predicate<String> drop;
    private final AtomicInteger drops;
    private final ServerSocket server;
    private final OkHttpClient http = new OkHttpClient();
    /** The bodies of every request forwarded, in order. */
    final List<String> forwarded = new CopyOnWriteArrayList<>();

    DroppingProxy(String upstream, Predicate<String> drop, int drops) throws IOException {
        this.upstream = upstream;
        this.drop = drop;
        this.drops = new AtomicInteger(drops);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "dropping-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            String[] head = readHead(in).split("\r\n");
            String[] requestLine = head[0].split(" ");
            Request.Builder forward = new Request.Builder().url(upstream + requestLine[1]);
            String contentType = "application/json";
            int length = 0;
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                String name = head[i].substring(0, colon).trim();
                String value = head[i].substring(colon + 1).trim();
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "content-type" -> contentType = value;
                    case "authorization", "accept" -> forward.header(name, value);
                    default -> { }
                }
            }
            byte[] body = in.readNBytes(length);
            String text = new String(body, StandardCharsets.UTF_8);
            forwarded.add(text);
            int status;
            String type;
            byte[] answer;
            try (Response r = http.newCall(forward.method(requestLine[0],
                    RequestBody.create(body, MediaType.get(contentType))).build()).execute()) {
                status = r.code();
                type = r.header("Content-Type", "application/json");
                answer = r.body().bytes();
            }
            if (drop.test(text) && drops.getAndDecrement() > 0) {
                return; // the worker did it; the client never hears
            }
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: "
                    + answer.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
        } catch (IOException | RuntimeException e) {
            // the client sees a dropped connection, which is what it must cope with anyway
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the request head");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII).trim();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
