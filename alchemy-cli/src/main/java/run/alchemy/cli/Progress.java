package run.alchemy.cli;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * A progress bar on stderr, drawn only when stderr is a terminal: {@code [=====>    ] 12/40 label}
 * for counted work, a spinner with the elapsed time for work of unknown size. In a pipe it draws
 * nothing at all. Lines printed through {@link #println} appear above the bar.
 */
public final class Progress implements AutoCloseable {
    private static final String CLEAR = "\r\u001b[2K";
    private static final char[] SPINNER = {'|', '/', '-', '\\'};
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Io io;
    private final PrintStream bar;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private String label;
    private long total;
    private long done;
    private String item = "";
    private long lastDraw;
    private boolean shown;
    private int spin;
    private Thread ticker;
    private boolean closed;

    private Progress(Io io, String label, long total) {
        this.io = io;
        this.bar = io.err;
        this.enabled = io.progress();
        this.label = label;
        this.total = total;
    }

    /** Counted work of {@code total} steps ({@code total <= 0}: unknown, a spinner). */
    public static Progress start(Io io, String label, long total) {
        Progress p = new Progress(io, label, total);
        if (p.enabled) {
            synchronized (p) {
                p.draw();
            }
            if (total <= 0) {
                p.startTicker();
            }
        }
        return p;
    }

    private void startTicker() {
        ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(100);
                    synchronized (this) {
                        draw();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "alchemy-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Switches to a new stage of the work. */
    synchronized void stage(String newLabel, long newTotal) {
        label = newLabel;
        total = newTotal;
        done = 0;
        item = "";
        if (enabled) {
            draw();
            if (newTotal <= 0 && ticker == null) {
                startTicker();
            }
        }
    }

    /** One step done; {@code what} is shown next to the bar. */
    public synchronized void step(String what) {
        done++;
        if (total > 0 && done > total) {
            total = done;
        }
        item = what == null ? "" : what;
        if (enabled && (System.nanoTime() - lastDraw >= REDRAW_NANOS || (total > 0 && done == total))) {
            draw();
        }
    }

    /** Prints a line to {@code out} above the bar. */
    synchronized void println(PrintStream out, String line) {
        if (enabled && shown) {
            bar.print(CLEAR);
            bar.flush();
        }
        out.println(line);
        out.flush();
        if (enabled && shown) {
            draw();
        }
    }

    private void draw() {
        if (closed) {
            return;
        }
        lastDraw = System.nanoTime();
        StringBuilder s = new StringBuilder(CLEAR);
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            s.append('[');
            s.append(io.errColor() ? "\u001b[32m" : "");
            s.append("=".repeat(filled));
            if (filled < WIDTH) {
                s.append('>');
            }
            s.append(io.errColor() ? "\u001b[0m" : "");
            s.append(" ".repeat(Math.max(0, WIDTH - filled - 1)));
            s.append("] ").append(done).append('/').append(total).append(' ').append(label);
        } else {
            s.append(SPINNER[spin++ % SPINNER.length]).append(' ').append(label);
            if (done > 0) {
                s.append(" (").append(done).append(')');
            }
            s.append(String.format(" %.1fs", (System.nanoTime() - started) / 1e9));
        }
        if (!item.isEmpty()) {
            s.append(' ').append(item);
        }
        int columns = columns();
        String text = s.toString();
        // keep it on one line: CLEAR is 5 characters, colour codes 9
        int visible = text.length() - CLEAR.length() - (io.errColor() && total > 0 ? 9 : 0);
        if (visible > columns - 1) {
            text = text.substring(0, text.length() - (visible - (columns - 1)));
        }
        bar.print(text);
        bar.flush();
        shown = true;
    }

    private int columns() {
        try {
            int c = Integer.parseInt(io.env.getOrDefault("COLUMNS", "80"));
            return c > 20 ? c : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** Removes the bar, leaving the line for what comes next. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (ticker != null) {
            ticker.interrupt();
            ticker = null;
        }
        if (enabled && shown) {
            if (total > 0) {
                draw(); // the final count, however fast the work was
            }
            bar.print(CLEAR);
            bar.flush();
            shown = false;
        }
        closed = true;
    }
}
