package run.alchemy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.engine.Address;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The history commands of {@code alchemy state}: history, runs, diff, replay. */
final class StateHistory {
    private StateHistory() {
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
        header = "The events of the stage's log, or of one resource.",
            description = "The events of the stage's log, oldest first — or of one resource (ID relative to the stage"
                    + " or --scope): position, time, run, type.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state history", "  ./alchemy state history api --json"})
    static final class HistoryCmd extends StateCommand.Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Only this resource's events.")
        String id;

        @Override
        int execute() {
            try (StageRef ref = stage()) {
                if (!ref.hasLog()) {
                    if (json) {
                        printJson(Json.NODES.arrayNode());
                    }
                    summary("no history: " + ref.app + "/" + ref.stage + " has no event log yet (" + StageRef.noLogHint() + ")");
                    return 0;
                }
                List<Event> events;
                try (History history = ref.history()) {
                    events = history.events();
                }
                List<Event> shown = new ArrayList<>();
                for (Event e : events) {
                    if (id == null ? inScope(ref, e) : e instanceof ResourceEvent r && id.equals(ref.key(new Address(r.chain(), r.id())))) {
                        shown.add(e);
                    }
                }
                if (id != null && shown.isEmpty()) {
                    throw CliException.usage("no events for \"" + id + "\" in " + ref.name(),
                            "'alchemy state list' shows the ids; 'alchemy state history' every event");
                }
                if (json) {
                    ArrayNode list = Json.NODES.arrayNode();
                    shown.forEach(e -> list.add(eventJson(e)));
                    printJson(list);
                } else {
                    for (Event e : shown) {
                        io.out.println(eventLine(e));
                    }
                }
                summary(Words.count(shown.size(), "event") + (id == null ? " of " + ref.name() : " of " + ref.name() + "/" + id)
                        + (shown.isEmpty() ? "" : " (positions " + shown.get(0).position() + "-"
                        + shown.get(shown.size() - 1).position() + ")"));
                return 0;
            }
        }

        /** Run events always; resource events when under the selected scope. */
        private static boolean inScope(StageRef ref, Event e) {
            return !(e instanceof ResourceEvent r) || ref.covers(new Address(r.chain(), r.id()));
        }

        private String eventLine(Event e) {
            String type = type(e);
            String detail;
            if (e instanceof ResourceEvent r) {
                detail = r.fqn() + " (" + (r.kind().isEmpty() ? "?" : r.kind()) + ")" + (r.snapshot() == null && !type.equals("deleted") ? ", record removed" : "");
            } else if (e instanceof RunStarted s) {
                detail = "by " + s.actor() + " (pid " + s.pid() + "), phase " + s.phase().name().toLowerCase(Locale.ROOT)
                        + ", " + s.program();
            } else if (e instanceof RunFinished f) {
                detail = Runs.outcome(f.succeeded()) + ": " + f.created() + " created, " + f.updated() + " updated, "
                        + f.replaced() + " replaced, " + f.deleted() + " deleted, " + f.skipped() + " skipped, " + f.failed()
                        + " failed in " + f.durationMillis() + " ms";
            } else if (e instanceof Checkpoint c) {
                detail = c.snapshots().size() + " records folded by compaction";
            } else {
                detail = "";
            }
            String code = type.startsWith("run-") ? "2" : type.equals("deleted") ? "31" : type.equals("created") ? "32"
                    : type.equals("external-change") ? "35" : "33";
            return String.format("%6d  %s  %-8s  %s %s", e.position(), Runs.seconds(e.time()), Runs.shortId(e.runId()),
                    io.paint(String.format("%-15s", type), code), detail);
        }

        private static ObjectNode eventJson(Event e) {
            ObjectNode o = Json.object();
            o.put("position", e.position());
            o.put("time", e.time().toString());
            o.put("run", e.runId());
            o.put("type", type(e));
            if (e instanceof ResourceEvent r) {
                o.put("scope", String.join("/", r.chain()));
                o.put("id", r.id());
                o.put("kind", r.kind());
                o.put("removed", r.snapshot() == null);
            } else if (e instanceof RunStarted s) {
                o.put("actor", s.actor());
                o.put("pid", s.pid());
                o.put("phase", s.phase().name().toLowerCase(Locale.ROOT));
                o.put("program", s.program());
            } else if (e instanceof RunFinished f) {
                o.put("outcome", Runs.outcome(f.succeeded()));
                o.put("durationMillis", f.durationMillis());
                ObjectNode counts = o.putObject("counts");
                counts.put("created", f.created());
                counts.put("updated", f.updated());
                counts.put("replaced", f.replaced());
                counts.put("deleted", f.deleted());
                counts.put("skipped", f.skipped());
                counts.put("failed", f.failed());
            } else if (e instanceof Checkpoint c) {
                o.put("records", c.snapshots().size());
            }
            return o;
        }
    }

    /** The event's type as shown: {@code run-started}, {@code declared}, … {@code external-change}, {@code checkpoint}. */
    static String type(Event e) {
        if (e instanceof ResourceEvent r) {
            return switch (r.type()) {
                case DECLARED -> "declared";
                case CREATING -> "creating";
                case CREATED -> "created";
                case UPDATING -> "updating";
                case UPDATED -> "updated";
                case REPLACED -> "replaced";
                case DELETED -> "deleted";
                case EXTERNAL_CHANGE -> "external-change";
                case IMPORTED -> "imported";
                case FORGOTTEN -> "forgotten";
                case MOVED -> "moved";
                case RESTORED -> "restored";
            };
        }
        return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Command(name = "runs", mixinStandardHelpOptions = true,
        header = "The runs that wrote to the stage: counts, log positions.",
            description = "The runs that wrote to the stage, oldest first: id, actor, phase, start and end, outcome,"
                    + " counts, and the log positions from and to that each spans (runs that changed nothing wrote"
                    + " nothing and are not listed). With --scope, only the runs that wrote an event of a resource"
                    + " under that scope (their counts stay those of the whole run).",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state runs", "  ./alchemy state runs --scope api",
                    "  ./alchemy state runs --json | jq '.[] | {id, outcome, from, to}'"})
    static final class RunsCmd extends StateCommand.Base {
        @Override
        int execute() {
            try (StageRef ref = stage()) {
                if (!ref.hasLog()) {
                    if (json) {
                        printJson(Json.NODES.arrayNode());
                    }
                    summary("no runs: " + ref.app + "/" + ref.stage + " has no event log yet (" + StageRef.noLogHint() + ")");
                    return 0;
                }
                List<Runs.Row> rows;
                long head;
                try (History history = ref.history()) {
                    List<Event> events = history.events();
                    rows = Runs.of(events, history.runs());
                    head = history.head();
                    if (ref.chain.size() > 2) {
                        // --scope: the runs that wrote an event of a resource under the scope
                        java.util.Set<String> touched = new java.util.HashSet<>();
                        for (Event e : events) {
                            if (e instanceof ResourceEvent r && ref.covers(new Address(r.chain(), r.id()))) {
                                touched.add(e.runId());
                            }
                        }
                        rows = rows.stream().filter(r -> touched.contains(r.run().runId())).toList();
                    }
                }
                if (json) {
                    printJson(Runs.json(rows));
                } else {
                    io.out.println(io.paint(Runs.header(), "2"));
                    rows.forEach(r -> io.out.println(Runs.line(r, io)));
                }
                summary(Words.count(rows.size(), "run") + (ref.chain.size() > 2 ? " that touched " + ref.name() + ", of "
                        : " of ") + ref.app + "/" + ref.stage + ", " + Words.count(head, "event") + " in the log");
                return 0;
            }
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
        header = "What changed between two log positions or times.",
            description = "What changed between two points of the log (positions, or ISO-8601 times): JSON pointers"
                    + " into each record; secrets are only said to have changed.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state diff 0 12        everything up to position 12",
                    "  ./alchemy state diff 2025-06-01T00:00:00Z 2025-06-02T00:00:00Z --json"})
    static final class DiffCmd extends StateCommand.Base {
        @Parameters(index = "0", paramLabel = "FROM", description = "A log position or an ISO-8601 time.")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "A log position or an ISO-8601 time.")
        String to;

        @Override
        int execute() {
            try (StageRef ref = stage()) {
                ref.requireLog("diff");
                List<Change> changes;
                long a;
                long b;
                try (History history = ref.history()) {
                    a = position(history, from, "FROM");
                    b = position(history, to, "TO");
                    changes = history.diff(a, b).stream().filter(c -> ref.covers(c.address())).toList();
                }
                if (json) {
                    ArrayNode list = Json.NODES.arrayNode();
                    for (Change c : changes) {
                        ObjectNode o = list.addObject();
                        o.put("id", ref.key(c.address())); // null for the stage's own record
                        o.put("fqn", c.address().fqn());
                        o.put("pointer", c.pointer());
                        o.put("change", c.kind().name().toLowerCase(Locale.ROOT));
                        o.put("secret", c.secret());
                        o.set("before", c.before() == null ? Json.NODES.nullNode() : StateCommand.parseQuietlyOrText(c.before()));
                        o.set("after", c.after() == null ? Json.NODES.nullNode() : StateCommand.parseQuietlyOrText(c.after()));
                    }
                    printJson(list);
                } else {
                    for (Change c : changes) {
                        String code = switch (c.kind()) {
                            case ADDED -> "32";
                            case REMOVED -> "31";
                            case CHANGED -> "33";
                        };
                        String text = c.toString();
                        int space = text.indexOf(' ');
                        io.out.println(io.paint(text.substring(0, space), code) + text.substring(space));
                    }
                }
                summary(Words.count(changes.size(), "change") + " in " + ref.name() + " from position " + a + " to " + b);
                return 0;
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
        header = "The stage as it was at a log position or time.",
            description = "The stage (or --scope) as it was at a log position or time, folded from the event log, in"
                    + " the shape 'state export' prints (secrets as stored, or plain with --reveal).",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state replay --at 12",
                    "  ./alchemy state replay --at 2025-06-01T12:00:00Z > then.json"})
    static final class ReplayCmd extends StateCommand.Base {
        @Option(names = "--at", required = true, paramLabel = "POSITION|TIME",
                description = "A log position (see 'state runs') or an ISO-8601 time, e.g. 2025-06-01T12:00:00Z.")
        String at;

        @Mixin
        SecretOptions secretOptions = new SecretOptions();

        @Override
        boolean machineOutput() {
            return true;
        }

        @Override
        @SuppressWarnings("try") // the progress spinner lives as long as the work
        int execute() {
            Secrets secrets = Secrets.from(secretOptions, io, Secrets.Mode.KEEP);
            try (StageRef ref = stage()) {
                ref.requireLog("replay");
                Map<Address, String> state;
                long head;
                try (History history = ref.history(); Progress progress = Progress.start(io, "replaying the log of "
                        + ref.app + "/" + ref.stage, 0)) {
                    head = history.head();
                    Optional<Instant> time = time(at);
                    if (time.isPresent()) {
                        state = history.stateAt(time.get());
                    } else {
                        long p = position(history, at, "--at");
                        state = history.stateAt(p);
                    }
                }
                Map<String, String> texts = new TreeMap<>();
                state.forEach((a, text) -> {
                    String key = ref.key(a);
                    if (key != null) {
                        texts.put(key, text);
                    }
                });
                ObjectNode out = StateRecords.exportShape(ref, texts, secrets, io, "rendering " + ref.name());
                printJson(out);
                summary("replayed " + ref.name() + " at " + at + ": " + Words.count(out.size(), "record") + " (the log's head is "
                        + head + ")");
                return 0;
            }
        }
    }

    /** A position, or the position of the last event at or before an ISO-8601 time. */
    static long position(History history, String text, String what) {
        Optional<Instant> time = time(text);
        if (time.isPresent()) {
            long p = 0;
            for (Event e : history.events()) {
                if (e.time().isAfter(time.get())) {
                    break;
                }
                p = e.position();
            }
            return p;
        }
        long p;
        try {
            p = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw CliException.usage(what + " " + text + ": expected a log position (e.g. 12) or an ISO-8601 time"
                    + " (e.g. 2025-06-01T12:00:00Z)", "'alchemy state runs' shows the positions each run spans");
        }
        long head = history.head();
        if (p < 0 || p > head) {
            throw CliException.usage(what + " " + text + ": the log holds positions 0 to " + head,
                    "'alchemy state runs' shows the positions each run spans");
        }
        return p;
    }

    static Optional<Instant> time(String text) {
        if (text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
