package run.alchemy.cli.state;

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
import run.alchemy.cli.CliException;
import run.alchemy.cli.Json;
import run.alchemy.cli.SecretOptions;
import run.alchemy.cli.Secrets;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code alchemy state history [ID]}: the events of the stage's log, or of one resource. */
@Command(name = "history", mixinStandardHelpOptions = true,
        header = "The events of the stage's log, or of one resource.",
        description = "The events of the stage's log, oldest first — or of one resource (ID relative to the stage"
                + " or --scope): position, time, run, type, and who: the run's actor, or \"outside the log\" for a"
                + " change found in the snapshots (made by hand or by the TypeScript Alchemy; the run that found it"
                + " is named). With --patch, each resource event's changes: the JSON pointers, old → new (a secret"
                + " only as changed, unless --reveal is given with the password: then its plain values).",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state history", "  ./alchemy state history api --patch",
                "  ./alchemy state history api --patch --json | jq '.[] | {position, changes}'"})
final class HistoryCommand extends StateSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Only this resource's events.")
    String id;

    @Option(names = "--patch", description = "With each resource event, the JSON pointers it changed, old → new.")
    boolean patch;

    @Mixin
    SecretOptions secretOptions = new SecretOptions();

    /** Who wrote an event that a run did not make: a change found in the snapshots. */
    static final String OUTSIDE = "outside the log";

    @Override
    int execute() {
        try (StageRef ref = stage()) {
            if (saidNoLog(ref, "history")) {
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
            Map<String, String> actors = new HashMap<>();
            events.forEach(e -> {
                if (e instanceof RunStarted s) {
                    actors.put(s.runId(), s.actor());
                }
            });
            Map<Event, List<Change>> patches = patch
                    ? patches(events, new HashSet<>(shown), Secrets.from(secretOptions, io, Secrets.Mode.KEEP)) : Map.of();
            if (json) {
                ArrayNode list = Json.NODES.arrayNode();
                for (Event e : shown) {
                    ObjectNode o = eventJson(e, actors);
                    if (patch && e instanceof ResourceEvent) {
                        ArrayNode changes = o.putArray("changes");
                        patches.get(e).forEach(c -> changes.add(changeJson(c)));
                    }
                    list.add(o);
                }
                printJson(list);
            } else {
                for (Event e : shown) {
                    io.out.println(eventLine(e, actors));
                    for (Change c : patches.getOrDefault(e, List.of())) {
                        io.out.println("          " + (c.pointer().isEmpty() ? "(the record)" : c.pointer()) + ": "
                                + changeText(c));
                    }
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

    /**
     * For each shown resource event, what it changed: its snapshot against the record's one before
     * (a checkpoint stands for every record), read in one pass over the log.
     */
    private static Map<Event, List<Change>> patches(List<Event> events, Set<Event> shown, Secrets secrets) {
        Map<Event, List<Change>> out = new HashMap<>();
        Map<Address, String> last = new HashMap<>();
        for (Event e : events) {
            if (e instanceof Checkpoint c) {
                last.clear();
                c.snapshots().forEach((key, snapshot) -> last.put(address(key), snapshot));
            } else if (e instanceof ResourceEvent r) {
                Address a = new Address(r.chain(), r.id());
                if (shown.contains(e)) {
                    out.put(e, Change.between(a, revealed(last.get(a), a, secrets), revealed(r.snapshot(), a, secrets)));
                }
                if (r.snapshot() == null) {
                    last.remove(a);
                } else {
                    last.put(a, r.snapshot());
                }
            }
        }
        return out;
    }

    /**
     * With {@code --reveal}, the snapshot with each secret as its plain value (so a patch compares and shows
     * plaintexts); else as stored, where a secret is only ever said to have changed.
     */
    private static String revealed(String snapshot, Address a, Secrets secrets) {
        if (snapshot == null || secrets.mode() != Secrets.Mode.REVEAL) {
            return snapshot;
        }
        return Json.compact(secrets.apply(Json.parse(snapshot.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                a.fqn(), null), a.fqn()));
    }

    /** A checkpoint's key, the JSON array of chain and id ({@code ["app","dev","api"]}). */
    private static Address address(String key) {
        List<String> parts = new ArrayList<>();
        try {
            Json.MAPPER.readTree(key).forEach(n -> parts.add(n.asText()));
        } catch (java.io.IOException e) {
            throw CliException.failure("the log's checkpoint has a key that is not a JSON array: " + key, null);
        }
        return new Address(parts.subList(0, parts.size() - 1), parts.get(parts.size() - 1));
    }

    /** A change as the patch shows it: old → new; a secret only as changed. */
    static String changeText(Change c) {
        if (c.secret()) {
            return "<secret " + c.kind().name().toLowerCase(Locale.ROOT) + ">";
        }
        return switch (c.kind()) {
            case ADDED -> "(none) → " + c.after();
            case REMOVED -> c.before() + " → (none)";
            case CHANGED -> c.before() + " → " + c.after();
        };
    }

    private static ObjectNode changeJson(Change c) {
        ObjectNode o = Json.object();
        o.put("pointer", c.pointer());
        o.put("change", c.kind().name().toLowerCase(Locale.ROOT));
        o.put("secret", c.secret());
        o.put("before", c.before());
        o.put("after", c.after());
        return o;
    }

    /** The run's actor, or {@link #OUTSIDE} for a change found in the snapshots. */
    private static String who(Event e, Map<String, String> actors) {
        if (e instanceof ResourceEvent r && r.type() == ResourceEvent.Type.EXTERNAL_CHANGE) {
            return OUTSIDE;
        }
        return actors.getOrDefault(e.runId(), "?");
    }

    private String eventLine(Event e, Map<String, String> actors) {
        String type = type(e);
        String detail;
        if (e instanceof ResourceEvent r) {
            detail = r.fqn() + " (" + (r.kind().isEmpty() ? "?" : r.kind()) + ")" + (r.snapshot() == null && !type.equals("deleted") ? ", record removed" : "")
                    + (r.type() == ResourceEvent.Type.EXTERNAL_CHANGE ? ", changed " + OUTSIDE + " (found by run "
                    + Runs.shortId(r.runId()) + ")" : ", by " + who(e, actors));
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
        String run = e instanceof ResourceEvent r && r.type() == ResourceEvent.Type.EXTERNAL_CHANGE ? "outside"
                : Runs.shortId(e.runId());
        return String.format("%6d  %s  %-8s  %s %s", e.position(), Runs.seconds(e.time()), run,
                io.paint(String.format("%-15s", type), code), detail);
    }

    private static ObjectNode eventJson(Event e, Map<String, String> actors) {
        ObjectNode o = Json.object();
        o.put("position", e.position());
        o.put("time", e.time().toString());
        o.put("run", e.runId());
        o.put("type", type(e));
        if (e instanceof ResourceEvent) {
            o.put("by", who(e, actors));
        }
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

    /**
     * The event's type as shown: {@code run-started}, {@code declared}, … {@code external-change},
     * {@code checkpoint} (the type's name in lower case, words joined by {@code -}; as stored, but
     * the stored names are the log's, in EventCodec, and may not follow a rename).
     */
    static String type(Event e) {
        if (e instanceof ResourceEvent r) {
            return r.type().name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
