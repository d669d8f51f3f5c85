package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
import run.alchemy.api.spi.LockHolder;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;
import run.alchemy.engine.RotationReport;
import run.alchemy.engine.VerifyReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code alchemy state …}: read, export, import, verify and repair a stage's state and history. */
@Command(name = "state", mixinStandardHelpOptions = true,
        header = "Inspect, export, import, verify and repair a stage's state and history.",
        description = {"Inspect and repair the state of a stage: its records (as Alchemy stores them), its event log"
                + " (history, runs, diffs, replay), verification against the log, and maintenance.",
                "Every command takes --store URI (default fs:.alchemy), --app, --stage and --scope A/B; read commands"
                        + " take --json. Secrets show as <secret> unless --reveal is given with the password"
                        + " (--password-env NAME, default ALCHEMY_PASSWORD)."},
        subcommands = {StateCommand.ListCmd.class, StateCommand.ShowCmd.class, StateCommand.ExportCmd.class,
                StateCommand.ImportCmd.class, StateCommand.HistoryCmd.class, StateCommand.RunsCmd.class,
                StateCommand.DiffCmd.class, StateCommand.ReplayCmd.class, StateCommand.VerifyCmd.class,
                StateCommand.RebuildCmd.class, StateCommand.UnlockCmd.class, StateCommand.RotatePasswordCmd.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./alchemy state list --app my-app --stage dev",
                "  ALCHEMY_PASSWORD=pw ./alchemy state show api --reveal",
                "  ./alchemy state export --stage dev > dev.json",
                "  ./alchemy state import dev.json --app my-app --stage dev-copy",
                "  ./alchemy state runs --json | jq '.[-1].counts'",
                "  ./alchemy state replay --at 12       the stage at log position 12",
                "  ./alchemy state verify || ./alchemy state rebuild"})
final class StateCommand {

    /** What every state command shares: the target, --json, the output helpers. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = "--json", description = "Print JSON, for scripts.")
        boolean json;

        Io io;

        @Override
        public final Integer call() throws Exception {
            io = Io.current();
            return execute();
        }

        abstract int execute() throws Exception;

        /** Whether stdout carries JSON (then the summary goes to stderr). */
        boolean machineOutput() {
            return json;
        }

        void summary(String line) {
            if (machineOutput()) {
                io.err.println(line);
            } else {
                io.out.println(io.paint(line, "1"));
            }
        }

        void printJson(JsonNode node) {
            io.out.println(Json.pretty(node));
        }

        StageRef stage() {
            return StageRef.open(target, io, true);
        }
    }

    // ------------------------------------------------------------------ records

    @Command(name = "list", mixinStandardHelpOptions = true,
        header = "The resources of the stage: id, kind, status.",
            description = "The resources of the stage (or of --scope, with everything below it): id relative to the"
                    + " scope, kind and status.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state list --app my-app --stage dev",
                    "  ./alchemy state list --scope child --json"})
    static final class ListCmd extends Base {
        @Override
        int execute() {
            try (StageRef ref = stage()) {
                ref.requireScope();
                TreeMap<String, Address> records = ref.records();
                ArrayNode list = Json.NODES.arrayNode();
                for (Map.Entry<String, Address> e : records.entrySet()) {
                    Address a = e.getValue();
                    ObjectNode row = list.addObject();
                    row.put("id", e.getKey());
                    row.put("scope", String.join("/", a.chain()));
                    JsonNode record = ref.bytes(a).map(StateCommand::parseQuietly).orElse(null);
                    row.put("kind", record == null ? "?" : record.path("kind").asText("?"));
                    row.put("status", record == null ? "damaged" : record.path("status").asText("?"));
                    row.put("fqn", a.fqn());
                }
                if (json) {
                    printJson(list);
                } else {
                    int w = Math.max(2, records.keySet().stream().mapToInt(String::length).max().orElse(2));
                    int k = Math.max(4, stream(list).mapToInt(r -> r.path("kind").asText().length()).max().orElse(4));
                    io.out.println(io.paint(String.format("%-" + w + "s  %-" + k + "s  %s", "ID", "KIND", "STATUS"), "2"));
                    for (JsonNode r : list) {
                        io.out.println(String.format("%-" + w + "s  %-" + k + "s  %s", r.get("id").asText(),
                                r.get("kind").asText(), r.get("status").asText()));
                    }
                }
                summary(Words.count(records.size(), "resource") + " in " + ref.name()
                        + " (" + ref.uri + ")");
                return 0;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
        header = "One resource's record (secrets as <secret>, or --reveal).",
            description = "One resource's record as stored, with secrets shown as <secret> (or in plain text with"
                    + " --reveal). ID is relative to the stage or --scope, e.g. api or parent/child.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state show readme",
                    "  ALCHEMY_PASSWORD=pw ./alchemy state show api --reveal --json \\",
                    "      | jq -r .props.key"})
    static final class ShowCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID", description = "The resource, relative to the stage or --scope.")
        String id;

        @Mixin
        SecretOptions secretOptions = new SecretOptions();

        @Override
        int execute() {
            Secrets secrets = Secrets.from(secretOptions, io, Secrets.Mode.MASK);
            try (StageRef ref = stage()) {
                ref.requireScope();
                TreeMap<String, Address> records = ref.records();
                Address a = records.get(id);
                if (a == null) {
                    throw CliException.usage("no resource \"" + id + "\" in " + ref.name() + near(id, records.keySet()),
                            "'alchemy state list' shows the ids");
                }
                String location = ref.locate(a);
                String text = new String(ref.bytes(a).orElseThrow(() -> CliException.failure(
                        location + " vanished while reading", null)), StandardCharsets.UTF_8);
                JsonNode record = secrets.apply(ref.read(a, text), location);
                if (!json) {
                    io.out.println(io.paint(a.fqn(), "1") + " (" + record.path("kind").asText("?") + ", "
                            + record.path("status").asText("?") + ")");
                }
                printJson(record);
                summary("shown " + a.fqn() + " from " + location + (secrets.mode() == Secrets.Mode.REVEAL
                        ? "; secrets revealed" : Secrets.has(ref.read(a, text)) ? "; secrets masked (--reveal shows them)" : ""));
                return 0;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
        header = "The stage as one JSON object: id -> record as stored.",
            description = {"The stage (or --scope) as one JSON object: each resource's id (relative, e.g. parent/child)"
                    + " mapped to its record exactly as stored, secrets encrypted. With --reveal, each {\"@secret\": …}"
                    + " is replaced by its plain value (a string, or the JSON value of an object secret) — such an"
                    + " export holds plain secrets and must not be imported.",
                    "The stage's own record (its pending deletions) is not part of it."},
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state export > dev.json",
                    "  ALCHEMY_PASSWORD=pw ./alchemy state export --reveal | jq .api.props"})
    static final class ExportCmd extends Base {
        @Mixin
        SecretOptions secretOptions = new SecretOptions();

        @Override
        boolean machineOutput() {
            return true;
        }

        @Override
        int execute() {
            Secrets secrets = Secrets.from(secretOptions, io, Secrets.Mode.KEEP);
            try (StageRef ref = stage()) {
                ref.requireScope();
                TreeMap<String, Address> records = ref.records();
                Map<String, String> texts = new LinkedHashMap<>();
                records.forEach((key, a) -> ref.bytes(a).ifPresent(b -> texts.put(key, new String(b, StandardCharsets.UTF_8))));
                ObjectNode out = exportShape(ref, texts, secrets, io, "exporting " + ref.name());
                printJson(out);
                summary("exported " + Words.count(out.size(), "record") + " of " + ref.name() + (secrets.mode() == Secrets.Mode.REVEAL
                        ? " with secrets revealed" : " (secrets encrypted, as stored)"));
                return 0;
            }
        }
    }

    /** Records (relative key → stored text) as an export-shaped object, secrets as {@code secrets} says. */
    static ObjectNode exportShape(StageRef ref, Map<String, String> texts, Secrets secrets, Io io, String label) {
        ObjectNode out = Json.object();
        try (Progress progress = Progress.start(io, label, texts.size())) {
            for (Map.Entry<String, String> e : texts.entrySet()) {
                String location = ref.name() + "/" + e.getKey();
                JsonNode record;
                try {
                    record = Json.MAPPER.readTree(e.getValue());
                } catch (IOException x) {
                    throw CliException.failure(location + ": the stored record is not valid JSON", null);
                }
                out.set(e.getKey(), secrets.apply(record, location));
                progress.step(e.getKey());
            }
        }
        return out;
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
        header = "Write the records of an export into a stage.",
            description = {"Writes the records of an export-shaped JSON file (id → record, as 'state export' prints"
                    + " it without --reveal) into the stage or --scope, as Alchemy's files, byte for byte.",
                    "The engine has no public way to append events from outside a run, so the records are written"
                            + " to the store and the event log adopts each of them as an external change when the"
                            + " next run reads it (until then 'state verify' lists them). The stage may be new"
                            + " (give --app and --stage); a stage locked by a running deploy is refused."},
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state export --app my-app --stage dev > dev.json",
                    "  ./alchemy state import dev.json --app my-app --stage dev-copy"})
    static final class ImportCmd extends Base {
        @Parameters(index = "0", paramLabel = "FILE", description = "An export-shaped JSON file.")
        Path file;

        @Override
        int execute() {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw CliException.usage("no file " + file, "import takes a file written by 'alchemy state export'");
            } catch (IOException e) {
                throw CliException.usage("cannot read " + file + ": " + e.getMessage(), null);
            }
            JsonNode tree = Json.parse(bytes, file.toString(), "import takes the JSON object printed by 'alchemy state export'");
            if (!tree.isObject()) {
                throw importFault("$", "expected an object mapping resource ids to records, found " + Json.typeName(tree));
            }
            try (StageRef ref = StageRef.open(target, io, false)) {
                Map<Address, JsonNode> records = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = tree.properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String p = Json.path("$", e.getKey());
                    records.put(checked(ref, e.getKey(), e.getValue(), p), e.getValue());
                }
                if (ref.hasLog()) {
                    try (History history = ref.history()) {
                        Optional<LockHolder> holder = history.lockHolder();
                        if (holder.isPresent() && !holder.get().expired()) {
                            throw CliException.failure(ref.app + "/" + ref.stage + " is locked by "
                                    + holder.get().describe(), "import when that run is done");
                        }
                    }
                }
                int added = 0;
                int replaced = 0;
                int unchanged = 0;
                try (Progress progress = Progress.start(io, "importing into " + ref.name(), records.size())) {
                    for (Map.Entry<Address, JsonNode> e : records.entrySet()) {
                        Address a = e.getKey();
                        byte[] next = Json.pretty(e.getValue()).getBytes(StandardCharsets.UTF_8);
                        Optional<byte[]> old = ref.bytes(a);
                        if (old.isPresent() && Arrays.equals(old.get(), next)) {
                            unchanged++;
                        } else {
                            ref.store.put(a.chain(), a.id(), next);
                            if (old.isPresent()) {
                                replaced++;
                            } else {
                                added++;
                            }
                        }
                        progress.step(a.fqn());
                    }
                }
                if (json) {
                    ObjectNode o = Json.object();
                    o.put("added", added);
                    o.put("replaced", replaced);
                    o.put("unchanged", unchanged);
                    printJson(o);
                }
                String then = added + replaced == 0 ? "nothing changed"
                        : ref.hasLog() ? "the event log adopts them as external changes when the next run reads them"
                        : "the first alchemy-java run that writes to the stage imports them into a new event log";
                summary("imported " + Words.count(records.size(), "record") + " into " + ref.name() + ": " + added
                        + " new, " + replaced + " replaced, " + unchanged + " unchanged; " + then);
                return 0;
            }
        }

        private Address checked(StageRef ref, String key, JsonNode record, String p) {
            if (key.isEmpty()) {
                throw importFault(p, "an empty id");
            }
            if (!record.isObject()) {
                throw importFault(p, "expected a record (an object), found " + Json.typeName(record));
            }
            JsonNode kind = record.get("kind");
            if (kind == null || !kind.isTextual() || kind.textValue().isEmpty()) {
                throw importFault(Json.path(p, "kind"), "a record needs its kind (a string)");
            }
            JsonNode id = record.get("id");
            if (id != null && !id.isTextual()) {
                throw importFault(Json.path(p, "id"), "expected a string, found " + Json.typeName(id));
            }
            Address a = ref.address(key, id == null ? null : id.textValue());
            if (a == null) {
                throw importFault(Json.path(p, "id"), "the key \"" + key + "\" must be the id \"" + id.textValue()
                        + "\", or a scope path ending in /" + id.textValue());
            }
            for (String segment : a.chain()) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.chars().anyMatch(c -> c < 0x20)) {
                    throw importFault(p, "\"" + key + "\" is not a valid path of scopes and an id");
                }
            }
            String masked = masked(record, "");
            if (masked != null) {
                throw importFault(p, "\"" + Secrets.MASKED + "\" at " + masked + ": a masked record cannot be"
                        + " imported; use the output of 'alchemy state export' (without --reveal)");
            }
            return a;
        }

        /** The JSON pointer of a {@code "<secret>"} placeholder, or null. */
        private static String masked(JsonNode node, String pointer) {
            if (node.isTextual() && Secrets.MASKED.equals(node.textValue())) {
                return pointer;
            }
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String found = masked(e.getValue(), pointer + "/" + e.getKey());
                if (found != null) {
                    return found;
                }
            }
            for (int i = 0; node.isArray() && i < node.size(); i++) {
                String found = masked(node.get(i), pointer + "/" + i);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }

        private CliException importFault(String path, String message) {
            return CliException.usage(file + ": " + path + ": " + message,
                    "import takes the JSON object printed by 'alchemy state export'");
        }
    }

    // ------------------------------------------------------------------ history

    @Command(name = "history", mixinStandardHelpOptions = true,
        header = "The events of the stage's log, or of one resource.",
            description = "The events of the stage's log, oldest first — or of one resource (ID relative to the stage"
                    + " or --scope): position, time, run, type.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state history", "  ./alchemy state history api --json"})
    static final class HistoryCmd extends Base {
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
                detail = f.outcome() + ": " + f.created() + " created, " + f.updated() + " updated, " + f.replaced()
                        + " replaced, " + f.deleted() + " deleted, " + f.skipped() + " skipped, " + f.failed()
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
                o.put("outcome", f.outcome());
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

    static String type(Event e) {
        return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Command(name = "runs", mixinStandardHelpOptions = true,
        header = "The runs that wrote to the stage: counts, log positions.",
            description = "The runs that wrote to the stage, oldest first: id, actor, phase, start and end, outcome,"
                    + " counts, and the log positions from and to that each spans (runs that changed nothing wrote"
                    + " nothing and are not listed).",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state runs", "  ./alchemy state runs --json | jq '.[] | {id, outcome, from, to}'"})
    static final class RunsCmd extends Base {
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
                    rows = Runs.of(history);
                    head = history.head();
                }
                if (json) {
                    printJson(Runs.json(rows));
                } else {
                    io.out.println(io.paint(Runs.header(), "2"));
                    rows.forEach(r -> io.out.println(Runs.line(r, io)));
                }
                summary(Words.count(rows.size(), "run") + " of " + ref.app + "/" + ref.stage + ", " + Words.count(head, "event")
                        + " in the log");
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
    static final class DiffCmd extends Base {
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
                        o.set("before", c.before() == null ? Json.NODES.nullNode() : parseQuietlyOrText(c.before()));
                        o.set("after", c.after() == null ? Json.NODES.nullNode() : parseQuietlyOrText(c.after()));
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
    static final class ReplayCmd extends Base {
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
                ObjectNode out = exportShape(ref, texts, secrets, io, "rendering " + ref.name());
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

    // ------------------------------------------------------------------ maintenance

    @Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Compare the snapshots with the event log (exit 1: differ).",
            description = "Compares the stored snapshots with the fold of the event log. Exit code 1 when they differ:"
                    + " records missing from the store, different from the log, or unknown to it.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state verify", "  ./alchemy state verify --json || ./alchemy state rebuild"})
    static final class VerifyCmd extends Base {
        @Override
        @SuppressWarnings("try") // the progress spinner lives as long as the work
        int execute() {
            try (StageRef ref = stage()) {
                if (!ref.hasLog()) {
                    if (json) {
                        ObjectNode o = Json.object();
                        o.put("ok", true);
                        o.put("log", false);
                        printJson(o);
                    }
                    summary("nothing to verify: " + ref.app + "/" + ref.stage + " has no event log yet ("
                            + StageRef.noLogHint() + ")");
                    return 0;
                }
                VerifyReport report;
                try (History history = ref.history(); Progress progress = Progress.start(io, "verifying "
                        + ref.app + "/" + ref.stage, 0)) {
                    report = history.verify();
                }
                if (json) {
                    ObjectNode o = Json.object();
                    o.put("ok", report.ok());
                    o.put("log", true);
                    o.put("checked", report.checked());
                    o.set("missing", fqns(report.missing()));
                    o.set("different", fqns(report.different()));
                    o.set("untracked", fqns(report.untracked()));
                    printJson(o);
                } else {
                    section("missing from the store (the log has them)", report.missing(), ref);
                    section("different from the log", report.different(), ref);
                    section("untracked (in the store, unknown to the log)", report.untracked(), ref);
                }
                String where = ref.app + "/" + ref.stage;
                if (report.ok()) {
                    summary("verified " + where + ": " + Words.count(report.checked(), "record")
                            + (report.checked() == 1 ? " matches" : " match") + " the event log");
                    return 0;
                }
                summary("verify failed for " + where + ": " + report.missing().size() + " missing, "
                        + report.different().size() + " different, " + report.untracked().size() + " untracked of "
                        + Words.count(report.checked(), "record") + " in the log");
                io.err.println(io.paintErr("hint:", "2") + " 'alchemy state rebuild' rewrites missing and different"
                        + " snapshots from the log; untracked records are adopted when a run reads them");
                return 1;
            }
        }

        private void section(String title, List<Address> addresses, StageRef ref) {
            if (addresses.isEmpty()) {
                return;
            }
            io.out.println(io.paint(title + ":", "1;31"));
            for (Address a : addresses) {
                io.out.println("  " + a.fqn() + "  " + ref.locate(a));
            }
        }
    }

    private static ArrayNode fqns(List<Address> addresses) {
        ArrayNode list = Json.NODES.arrayNode();
        addresses.forEach(a -> list.add(a.fqn()));
        return list;
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
        header = "Rewrite the snapshots from the event log.",
            description = "Rewrites the stored snapshots from the event log (taking the stage lock): missing and"
                    + " different records get the log's version; records the log never knew are left alone.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state verify || ./alchemy state rebuild"})
    static final class RebuildCmd extends Base {
        @Override
        @SuppressWarnings("try") // the progress spinner lives as long as the work
        int execute() {
            try (StageRef ref = stage()) {
                ref.requireLog("rebuild from");
                int written;
                VerifyReport before;
                try (History history = ref.history(); Progress progress = Progress.start(io, "rebuilding "
                        + ref.app + "/" + ref.stage + " from its log", 0)) {
                    before = history.verify();
                    written = history.rebuild();
                }
                if (json) {
                    ObjectNode o = Json.object();
                    o.put("written", written);
                    o.put("checked", before.checked());
                    o.set("untracked", fqns(before.untracked()));
                    printJson(o);
                }
                summary("rebuilt " + ref.app + "/" + ref.stage + ": " + Words.count(written, "snapshot") + " rewritten from the log, "
                        + (before.checked() - written) + " already matched" + (before.untracked().isEmpty() ? ""
                        : ", " + before.untracked().size() + " untracked left alone"));
                return 0;
            }
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true,
        header = "Release the stage lock of a run that is gone.",
            description = "Releases the stage lock of a run that is gone (as Terraform's force-unlock). Needs the lock"
                    + " id, which the 'stage … is locked by …' error and this command without LOCK_ID show.",
            footerHeading = "%nExamples:%n",
            footer = {"  ./alchemy state unlock                  who holds the lock",
                    "  ./alchemy state unlock 3f2a9c1e-…       release it"})
    static final class UnlockCmd extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "LOCK_ID", description = "The id of the lock to release.")
        String lockId;

        @Override
        int execute() {
            try (StageRef ref = stage()) {
                String where = ref.app + "/" + ref.stage;
                if (!ref.hasLog()) {
                    summary(where + " is not locked (it has no event log)");
                    return 0;
                }
                try (History history = ref.history()) {
                    Optional<LockHolder> holder = history.lockHolder();
                    if (holder.isEmpty()) {
                        if (json) {
                            printJson(Json.object().put("locked", false));
                        }
                        summary(where + " is not locked");
                        return 0;
                    }
                    LockHolder h = holder.get();
                    if (lockId == null) {
                        if (json) {
                            ObjectNode o = Json.object().put("locked", true).put("lockId", h.lockId());
                            if (h.isDamaged()) {
                                o.put("damaged", h.damage());
                            } else {
                                o.put("runId", h.runId()).put("user", h.user()).put("host", h.host()).put("pid", h.pid())
                                        .put("since", h.since().toString()).put("expires", h.expires().toString());
                            }
                            printJson(o);
                        }
                        throw CliException.usage(where + " is locked by " + h.describe()
                                + (h.expired() && !h.isDamaged() ? " (expired)" : "")
                                + "; unlock needs its lock id", "alchemy state unlock " + h.lockId()
                                + " — only if that run is really gone");
                    }
                    if (!history.forceUnlock(lockId)) {
                        throw CliException.failure("lock id " + lockId + " does not hold " + where + "; it is held by "
                                + h.describe(), "give the lock id shown here");
                    }
                    if (json) {
                        printJson(Json.object().put("locked", false).put("released", lockId));
                    }
                    summary("unlocked " + where + (h.isDamaged() ? " (cleared a damaged lease)"
                            : " (was held by run " + h.runId() + " of " + h.user() + "@" + h.host() + ")"));
                    return 0;
                }
            }
        }
    }

    @Command(name = "rotate-password", mixinStandardHelpOptions = true,
        header = "Re-encrypt every secret under a new password.",
            description = "Re-encrypts every secret of the stage under a new password. Everything is decrypted with the"
                    + " old password first, so a wrong one changes nothing. The old password comes from"
                    + " --password-env (default ALCHEMY_PASSWORD), the new one from --new-password-env.",
            footerHeading = "%nExamples:%n",
            footer = {"  NEW_PW=… ./alchemy state rotate-password --new-password-env NEW_PW \\",
                    "      --dry-run",
                    "  NEW_PW=… ./alchemy state rotate-password --new-password-env NEW_PW"})
    static final class RotatePasswordCmd extends Base {
        @Option(names = "--new-password-env", required = true, paramLabel = "NAME",
                description = "The environment variable holding the new password.")
        String newPasswordEnv;

        @Option(names = "--password-env", paramLabel = "NAME", defaultValue = "ALCHEMY_PASSWORD",
                description = "The environment variable holding the current password (default: ${DEFAULT-VALUE}).")
        String passwordEnv;

        @Option(names = "--dry-run", description = "Check that every secret opens and count them; write nothing.")
        boolean dryRun;

        @Override
        @SuppressWarnings("try") // the progress spinner lives as long as the work
        int execute() {
            String old = io.env(passwordEnv);
            if (old == null) {
                throw CliException.usage("rotating needs the current password, and " + passwordEnv + " is not set",
                        "set " + passwordEnv + ", or name the variable that holds it with --password-env NAME");
            }
            String next = io.env(newPasswordEnv);
            if (next == null) {
                throw CliException.usage("the new password's variable " + newPasswordEnv + " is not set", null);
            }
            try (StageRef ref = stage()) {
                RotationReport report;
                try (Progress progress = Progress.start(io, (dryRun ? "checking " : "rotating ") + ref.app + "/"
                        + ref.stage, 0)) {
                    report = Alchemy.app(ref.app).stage(ref.stage).password(old).environment(io.env)
                            .program("alchemy state rotate-password").stateStore(Stores.open(ref.uri))
                            .rotatePassword(next, dryRun);
                }
                if (json) {
                    ObjectNode o = Json.object();
                    o.put("dryRun", report.dryRun());
                    o.put("scanned", report.recordsScanned());
                    o.put("secrets", report.secrets());
                    ArrayNode list = o.putArray("records");
                    report.rotated().forEach(list::add);
                    printJson(o);
                } else {
                    report.rotated().forEach(r -> io.out.println("  " + r));
                }
                summary((report.dryRun() ? "dry run: would re-encrypt " : "re-encrypted ") + Words.count(report.secrets(), "secret")
                        + " in " + Words.count(report.rotated().size(), "record") + " ("
                        + Words.count(report.recordsScanned(), "record") + " read) of " + ref.app + "/" + ref.stage);
                return 0;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static JsonNode parseQuietly(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode parseQuietlyOrText(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.NODES.textNode(text);
        }
    }

    static java.util.stream.Stream<JsonNode> stream(ArrayNode list) {
        List<JsonNode> out = new ArrayList<>();
        list.forEach(out::add);
        return out.stream();
    }

    static String near(String id, java.util.Collection<String> ids) {
        List<String> close = ids.stream().filter(k -> k.contains(id) || id.contains(k)).limit(5).toList();
        if (!close.isEmpty()) {
            return " (did you mean " + String.join(", ", close) + "?)";
        }
        return ids.isEmpty() ? " (it has no resources)" : "";
    }

    static Instant seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }
}
