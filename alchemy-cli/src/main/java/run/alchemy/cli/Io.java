package run.alchemy.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a command writes and what it knows about its surroundings: the two output streams, the
 * environment, and whether each stream is a terminal. One per invocation of {@link Main#run}.
 */
public final class Io {
    private static final ThreadLocal<Io> CURRENT = new ThreadLocal<>();

    public final PrintStream out;
    public final PrintStream err;
    public final Map<String, String> env;
    final boolean outTty;
    final boolean errTty;
    /** Set from the command line: {@code --no-color}, {@code --verbose}. */
    boolean noColor;
    boolean verbose;

    Io(PrintStream out, PrintStream err, Map<String, String> env, boolean outTty, boolean errTty) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.outTty = outTty;
        this.errTty = errTty;
    }

    /** The process's own streams and environment. */
    static Io system() {
        return new Io(utf8(System.out), utf8(System.err), System.getenv(), isTerminal(1), isTerminal(2));
    }

    private static PrintStream utf8(PrintStream s) {
        return new PrintStream(s, true, StandardCharsets.UTF_8);
    }

    public static Io current() {
        Io io = CURRENT.get();
        return io != null ? io : system();
    }

    static void set(Io io) {
        if (io == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(io);
        }
    }

    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private boolean dumbTerminal() {
        return "dumb".equals(env.get("TERM"));
    }

    /** Colours on stdout: only on a terminal, never with --no-color or NO_COLOR (https://no-color.org). */
    boolean color() {
        return outTty && !noColor && env("NO_COLOR") == null && !dumbTerminal();
    }

    /** Progress bars on stderr: only when stderr is a terminal. */
    boolean progress() {
        return errTty && !dumbTerminal();
    }

    /** Colours on stderr (errors, hints), under the same rules as stdout's. */
    boolean errColor() {
        return errTty && !noColor && env("NO_COLOR") == null && !dumbTerminal();
    }

    public String paint(String text, String sgr) {
        return color() ? "\u001b[" + sgr + "m" + text + "\u001b[0m" : text;
    }

    public String paintErr(String text, String sgr) {
        return errColor() ? "\u001b[" + sgr + "m" + text + "\u001b[0m" : text;
    }

    /**
     * Whether file descriptor {@code fd} is a terminal: on Linux from {@code /proc/self/fd}, elsewhere
     * {@link System#console()} (which needs stdin and stdout to be terminals).
     */
    static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
