package run.alchemy.fuzz;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import javax.net.ServerSocketFactory;

/**
 * A loopback HTTP server (OkHttp's MockWebServer) that gives every request the answer the fuzzer
 * chose: a status, a content type and a body. The stores' clients then parse it through their real
 * HTTP stack, as they would a worker's or Cloudflare's. One per target, for the life of the fuzzing
 * process. ({@code benchmarks/fuzz} turns Jazzer's SSRF detector off for these targets: their
 * requests to this server are the point.)
 */
final class AnswerServer {
    private static final int[] STATUSES = {200, 200, 200, 400, 401, 403, 404, 409, 412, 429, 500, 502, 503};
    private static final List<String> TYPES = List.of("application/json", "application/json; charset=utf-8",
            "text/html", "text/plain", "application/octet-stream");

    private final MockWebServer server = new MockWebServer();
    private volatile MockResponse answer = new MockResponse.Builder().code(200).build();

    AnswerServer() {
        // Headers and body go out as two writes: with Nagle's algorithm on, the body waits for the
        // client's delayed ACK, 40 ms a request, which would make these targets 100 times slower.
        server.setServerSocketFactory(new ServerSocketFactory() {
            @Override
            public ServerSocket createServerSocket() throws IOException {
                return new ServerSocket() {
                    @Override
                    public Socket accept() throws IOException {
                        Socket socket = new Socket();
                        implAccept(socket);
                        socket.setTcpNoDelay(true);
                        return socket;
                    }
                };
            }

            @Override
            public ServerSocket createServerSocket(int port) {
                throw new UnsupportedOperationException("MockWebServer binds the socket it creates");
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) {
                throw new UnsupportedOperationException("MockWebServer binds the socket it creates");
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
                throw new UnsupportedOperationException("MockWebServer binds the socket it creates");
            }
        });
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer;
            }
        });
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's base URL, {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** Answers from now on with what {@code data} says: a status byte, a content-type byte, then the body. */
    void answer(byte[] data) {
        int status = data.length > 0 ? STATUSES[(data[0] & 0xff) % STATUSES.length] : 200;
        String type = data.length > 1 ? TYPES.get((data[1] & 0xff) % TYPES.size()) : TYPES.get(0);
        Buffer body = new Buffer();
        if (data.length > 2) {
            body.write(data, 2, data.length - 2);
        }
        answer = new MockResponse.Builder().code(status).addHeader("Content-Type", type).body(body).build();
    }
}
