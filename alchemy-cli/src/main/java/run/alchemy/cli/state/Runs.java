package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.cli.Io;
import run.alchemy.cli.Json;
import run.alchemy.engine.History;
import run.alchemy.engine.Run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The runs of a stage as its log tells them, with the counts of their last event, as a table or JSON: for
 * {@code state runs} and {@code state history}, and the demo (hence public).
 */
public final class Runs {
    /**
     * A run with what {@link Run} leaves out: skipped and failed counts, the duration, its message and
     * commit, why it failed, and the records it wrote to (their fqns, in the order first written).
     */
    public record Row(Run run, int skipped, int failed, Long durationMillis, String message, String commit,
                      String failure, List<String> resources) {
    }

    private Runs() {
    }

    static List<Row> of(List<Event> events, List<Run> runs) {
        Map<String, RunFinished> finished = new HashMap<>();
        Map<String, RunStarted> started = new HashMap<>();
        Map<String, Set<String>> touched = new HashMap<>();
        for (Event e : events) {
            if (e instanceof RunFinished f) {
                finished.put(f.runId(), f);
            } else if (e instanceof RunStarted s) {
                started.put(s.runId(), s);
            } else if (e instanceof ResourceEvent r) {
                touched.computeIfAbsent(r.runId(), k -> new LinkedHashSet<>()).add(r.fqn());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Run r : runs) {
            RunFinished f = finished.get(r.runId());
            RunStarted s = started.get(r.runId());
            rows.add(new Row(r, f == null ? 0 : f.skipped(), f == null ? 0 : f.failed(),
                    f == null ? null : f.durationMillis(), s == null ? null : s.message(), s == null ? null : s.commit(),
                    f == null ? null : f.failure(), List.copyOf(touched.getOrDefault(r.runId(), Set.of()))));
        }
        return rows;
    }

    public static List<Row> of(History history) {
        return of(history.events(), history.runs());
    }

    public static String header() {
        return String.format("%-11s %-8s  %-7s  %-10s %7s %7s %8s %7s %7s %6s  %-20s %-9s %s", "POSITIONS", "RUN",
                "PHASE", "OUTCOME", "CREATED", "UPDATED", "REPLACED", "DELETED", "SKIPPED", "FAILED", "STARTED", "TOOK",
                "ACTOR");
    }

    public static String line(Row row, Io io) {
        Run r = row.run();
        String outcome = String.format("%-10s", outcome(r.result()));
        outcome = switch (r.result()) {
            case SUCCEEDED -> io.paint(outcome, "32");
            case FAILED -> io.paint(outcome, "31");
            case UNFINISHED -> io.paint(outcome, "33");
        };
        String line = String.format("%-11s %-8s  %-7s  %s %7d %7d %8d %7d %7d %6d  %-20s %-9s %s", r.from() + "-" + r.to(),
                shortId(r.runId()), r.phase().name().toLowerCase(Locale.ROOT), outcome, r.created(), r.updated(),
                r.replaced(), r.deleted(), row.skipped(), row.failed(), seconds(r.started()), took(row), r.actor());
        if (row.message() != null) { // the commit alone is in --json: a line for it under every run would drown the table
            line += "\n" + " ".repeat(13) + io.paint(row.message()
                    + (row.commit() != null ? " (commit " + row.commit().substring(0, 12) + ")" : ""), "2");
        }
        if (row.failure() != null) {
            line += "\n" + " ".repeat(13) + io.paint("failed: " + row.failure(), "31");
        }
        return line;
    }

    static ArrayNode json(List<Row> rows) {
        ArrayNode list = Json.NODES.arrayNode();
        for (Row row : rows) {
            Run r = row.run();
            ObjectNode o = list.addObject();
            o.put("id", r.runId());
            o.put("actor", r.actor());
            o.put("pid", r.pid());
            o.put("phase", r.phase().name().toLowerCase(Locale.ROOT));
            o.put("program", r.program());
            o.put("started", r.started() == null ? null : r.started().toString());
            o.put("finished", r.finished() == null ? null : r.finished().toString());
            if (row.durationMillis() != null) {
                o.put("durationMillis", row.durationMillis());
            } else {
                o.putNull("durationMillis");
            }
            o.put("outcome", outcome(r.result()));
            ObjectNode counts = o.putObject("counts");
            counts.put("created", r.created());
            counts.put("updated", r.updated());
            counts.put("replaced", r.replaced());
            counts.put("deleted", r.deleted());
            counts.put("skipped", row.skipped());
            counts.put("failed", row.failed());
            o.put("from", r.from());
            o.put("to", r.to());
            o.put("message", row.message());
            o.put("commit", row.commit());
            o.put("failure", row.failure());
            ArrayNode resources = o.putArray("resources");
            row.resources().forEach(resources::add);
        }
        return list;
    }

    /** A run's result as shown and in {@code --json}: {@code succeeded}, {@code failed} or {@code unfinished}. */
    static String outcome(Run.Result result) {
        return switch (result) {
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case UNFINISHED -> "unfinished";
        };
    }

    /** A finished run's result as shown: {@code succeeded} or {@code failed}. */
    static String outcome(boolean succeeded) {
        return outcome(succeeded ? Run.Result.SUCCEEDED : Run.Result.FAILED);
    }

    /** How long a finished run took, e.g. {@code 1.2 s}; {@code -} while unfinished. */
    static String took(Row row) {
        return row.durationMillis() == null ? "-" : String.format(Locale.ROOT, "%.1f s", row.durationMillis() / 1000.0);
    }

    static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    static String seconds(Instant t) {
        return t == null ? "-" : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
