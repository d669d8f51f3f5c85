package run.alchemy.cli;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store's server at its worst, on 127.0.0.1: every request answered with one status (a 401, a
 * 5xx) and a body that echoes the request's headers back, as a misconfigured proxy's error page or a
 * debugging gateway does. A client that quotes an error body in its exception would then quote its
 * own credential; the sweep sees whether it does. OkHttp's MockWebServer, as the store tests use for
 * faults: no emulator answers like this on cue.
 */
final class EchoingServer implements AutoCloseable {
    private final MockWebServer server = new MockWebServer();
    private final AtomicInteger requests = new AtomicInteger();

    EchoingServer(int status) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.incrementAndGet();
                // each header as sent: okhttp3.Headers.toString() would mask Authorization, which a proxy does not
                StringBuilder echo = new StringBuilder(request.getRequestLine());
                okhttp3.Headers headers = request.getHeaders();
                for (int i = 0; i < headers.size(); i++) {
                    echo.append("; ").append(headers.name(i)).append(": ").append(headers.value(i).replace("\"", "'"));
                }
                return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
                        .body("{\"success\": false, \"status\": " + status + ", \"error\": \"upstream said no to: " + echo
                                + "\", \"errors\": [{\"code\": 10000, \"message\": \"" + echo + "\"}]}").build();
            }
        });
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT} (no trailing slash). */
    String url() {
        String u = server.url("/").toString();
        return u.substring(0, u.length() - 1);
    }

    /** {@code 127.0.0.1:PORT}. */
    String authority() {
        return url().substring("http://".length());
    }

    /** How many requests came: a fault the client never met proves nothing. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.close();
    }
}
