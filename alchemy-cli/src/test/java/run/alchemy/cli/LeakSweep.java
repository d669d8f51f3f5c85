package run.alchemy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one sweep for secrets and tokens (issue #17): canaries — distinctive values a scenario hands to
 * the code as a secret, a password or a store credential — looked for, in plain text and in the
 * forms a leak could take on the way out (base64 at each of the three alignments, standard and
 * URL-safe; URL-encoded), in every file written, every output, every log line, every exception's
 * message, {@code toString()}, cause chain and stack trace, and the {@code toString()} of the values
 * that hold them. One sweep per scenario; {@link #assertClean} fails naming each canary and where it
 * showed, never its value, and fails too when the sweep saw nothing (a sweep that reads no file
 * passes vacuously otherwise).
 */
final class LeakSweep {
    /** One value that must not show: its name for messages, the value, and the strings that would give it away. */
    record Canary(String name, String value, Set<String> forms) {
        @Override
        public String toString() {
            return name; // the value stays out of test reports too
        }
    }

    private final Map<String, Canary> canaries = new LinkedHashMap<>();
    private final List<String> findings = new ArrayList<>();
    private int files;
    private long bytes;
    private int outputs;

    /** A fresh random canary value: {@code canary-<what>-} and 24 hex digits, so a finding is never chance. */
    static String fresh(String what) {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return "canary-" + what + "-" + HexFormat.of().formatHex(b);
    }

    /** Adds a canary (e.g. "password", or "S3 secret key" with the value a test server chose). */
    LeakSweep watch(String name, String value) {
        canaries.put(name, new Canary(name, value, forms(value)));
        return this;
    }

    List<Canary> canaries() {
        return List.copyOf(canaries.values());
    }

    /**
     * The value, URL-encoded, and its base64 in both alphabets at each alignment: inside a longer
     * encoded text (a Basic header, a JSON blob in base64) the encoding of the value depends on its
     * offset modulo 3, so for each offset the characters that encode only the value's own bytes are taken.
     */
    static Set<String> forms(String value) {
        Set<String> out = new LinkedHashSet<>();
        out.add(value);
        out.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < 3; offset++) {
            byte[] padded = new byte[offset + v.length];
            System.arraycopy(v, 0, padded, offset, v.length);
            String b64 = Base64.getEncoder().withoutPadding().encodeToString(padded);
            int from = offset == 0 ? 0 : 4; // the first group mixes in the padding bytes
            int to = (padded.length / 3) * 4; // a last partial group depends on what follows
            String core = b64.substring(from, to);
            out.add(core);
            out.add(core.replace('+', '-').replace('/', '_'));
        }
        return out;
    }

    /** Looks for every canary in {@code text}, found at {@code where} (a file, an output, a message). */
    LeakSweep text(String where, String text) {
        outputs++;
        check(where, text);
        return this;
    }

    private void check(String where, String text) {
        for (Canary c : canaries.values()) {
            for (String form : c.forms) {
                int at = text.indexOf(form);
                if (at >= 0) {
                    findings.add(c.name + (form.equals(c.value) ? "" : " (encoded)") + " in " + where + " at char " + at);
                    break;
                }
            }
        }
    }

    /** A command's stdout and stderr. */
    LeakSweep result(String command, Cli.Result r) {
        text(command + ": stdout", r.out());
        return text(command + ": stderr", r.err());
    }

    /** The bytes of a file or an object, as UTF-8 (every canary is ASCII). */
    LeakSweep bytes(String where, byte[] content) {
        files++;
        bytes += content.length;
        check(where, new String(content, StandardCharsets.ISO_8859_1));
        return this;
    }

    /** Every file under {@code root} (state, log segments, index, lock and temp files alike), and every name. */
    LeakSweep tree(Path root) {
        if (!Files.exists(root)) {
            return this;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                check("the name " + p, root.relativize(p).toString()); // a temp file named after a token leaks it too
                if (Files.isRegularFile(p)) {
                    bytes(p.toString(), Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("sweeping " + root, e);
        }
        return this;
    }

    /** An exception: message, {@code toString()} and localized message of it and each cause, and its stack trace text. */
    LeakSweep thrown(String where, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            text(where + ": " + c.getClass().getName() + " message", String.valueOf(c.getMessage()));
            text(where + ": " + c.getClass().getName() + " localized message", String.valueOf(c.getLocalizedMessage()));
            text(where + ": " + c.getClass().getName() + " toString", c.toString());
        }
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace)); // suppressed ones and the whole chain, as a log would print them
        return text(where + ": stack trace", trace.toString());
    }

    /** A value's {@code toString()} (a builder, a store, credentials, an options record). */
    LeakSweep value(String what, Object o) {
        return text(what + ".toString()", String.valueOf(o));
    }

    /**
     * Records everything logged under {@code run.alchemy} (System.Logger goes to java.util.logging here),
     * at every level, until closed, and then sweeps each formatted line.
     */
    AutoCloseable logs() {
        Logger logger = Logger.getLogger("run.alchemy");
        Level before = logger.getLevel();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        SimpleFormatter format = new SimpleFormatter();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(format.format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
        return () -> {
            logger.removeHandler(handler);
            logger.setLevel(before);
            synchronized (lines) {
                for (int i = 0; i < lines.size(); i++) {
                    text("log line " + i, lines.get(i));
                }
            }
        };
    }

    int files() {
        return files;
    }

    long bytesRead() {
        return bytes;
    }

    int outputs() {
        return outputs;
    }

    /** What was swept, for the test's report line. */
    String summary() {
        return files + " files/objects (" + bytes + " bytes) and " + outputs + " outputs, messages and values, for "
                + canaries.keySet();
    }

    /** Fails naming every canary found and where; also when fewer than {@code minFiles} files were read. */
    void assertClean(int minFiles) {
        assertTrue(files >= minFiles && (minFiles == 0 || bytes > 0) && outputs > 0, "the sweep saw too little: " + summary());
        if (!findings.isEmpty()) {
            fail(findings.size() + " leak(s): " + String.join("\n  ", findings));
        }
    }

    /**
     * The sweep's own check: each canary, planted in plain text and in each encoded form inside a scratch
     * file under {@code scratch}, is found, and so is one only in an exception's cause. A sweep that
     * cannot see a planted canary proves nothing when it sees none.
     */
    void assertDetects(Path scratch) {
        for (Canary c : canaries.values()) {
            for (String form : c.forms) {
                LeakSweep probe = new LeakSweep().watch(c.name, c.value);
                Path f = scratch.resolve("planted-" + Math.abs(form.hashCode()) + ".txt");
                Cli.write(f, "{\"x\": \"before " + form + " after\"}");
                probe.tree(scratch);
                assertEquals(1, probe.files, "one planted file per probe");
                assertTrue(!probe.findings.isEmpty(), "the sweep did not see a planted " + c.name);
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (int offset = 0; offset < 3; offset++) {
                String wrapped = Base64.getEncoder().encodeToString(("Basic:" + "x".repeat(offset) + c.value + ":tail")
                        .getBytes(StandardCharsets.UTF_8));
                LeakSweep probe = new LeakSweep().watch(c.name, c.value).text("probe", wrapped);
                assertTrue(!probe.findings.isEmpty(), c.name + " in base64 at offset " + offset + " not seen");
            }
            LeakSweep probe = new LeakSweep().watch(c.name, c.value)
                    .thrown("probe", new IllegalStateException("outer", new RuntimeException("inner " + c.value)));
            assertTrue(!probe.findings.isEmpty(), c.name + " only in a cause was not seen");
        }
    }
}
