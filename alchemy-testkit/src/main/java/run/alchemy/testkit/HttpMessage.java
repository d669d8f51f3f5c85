package run.alchemy.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 request or answer as {@link FaultyProxy} relays it: its first line, its headers
 * (the framing and connection ones left out) and its whole body, written back with a
 * {@code Content-Length} and {@code Connection: close}.
 */
record HttpMessage(String start, List<String> headers, byte[] body, boolean hasBody) {
    /** Something to do when a request says {@code Expect: 100-continue}. */
    interface Continue {
        void send() throws IOException;
    }

    /**
     * Reads one message; null at a clean end of stream before it. {@code method} is the request's,
     * for an answer (a HEAD's has no body).
     */
    static HttpMessage read(InputStream in, boolean isRequest, String method, Continue cont) throws IOException {
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
        return new HttpMessage(lines[0], headers, body, hasBody);
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
