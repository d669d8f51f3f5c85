package run.alchemy.cli.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Run;
import run.alchemy.engine.VerifyReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak's final check, in a JVM of its own with the deployers' environment (the stores take
 * their credentials from it), on the store itself past the fault proxy. Reads the log once through
 * the engine's {@link History} and checks:
 * <ul>
 *   <li>no lost update: every run a deployer reported done is in the log, finished and succeeded;</li>
 *   <li>each such run's state is a prefix of the log: the fold of the log up to its
 *       {@code RunFinished} holds exactly what its program declared, at its values;</li>
 *   <li>the positions are dense and every event belongs to a run;</li>
 *   <li>{@code state verify} is clean: the snapshots equal the fold of the whole log, and the
 *       lock is free.</li>
 * </ul>
 * Arguments {@code store=URI app=… stage=… done=FILE} (lines {@code TAG DIGEST}, see
 * {@link SoakChild#digest}). Prints {@code figure NAME VALUE} and {@code finding TEXT} lines; exit 0.
 */
public final class SoakCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        Map<String, String> done = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(a.get("done")))) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ", 2);
                done.put(parts[0], parts[1]);
            }
        }
        String app = a.get("app");
        String stage = a.get("stage");
        try (History h = Alchemy.app(app).stage(stage).environment(Map.of()).stateStore(a.get("store")).history()) {
            check(h, List.of(app, stage), done);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void check(History h, List<String> chain, Map<String, String> done) throws Exception {
        List<Event> events = h.events();
        List<Run> runs = h.runs();
        figure("events", events.size());
        figure("log_runs", runs.size());
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).position() != i + 1) {
                finding("positions are not dense: event " + i + " has position " + events.get(i).position());
                break;
            }
        }
        Map<String, Run> byTag = new HashMap<>();
        Map<Long, Run> endingAt = new HashMap<>();
        long covered = 0;
        long unfinished = 0;
        for (Run r : runs) {
            covered += r.to() - r.from() + 1;
            if (r.result() == Run.Result.UNFINISHED) {
                unfinished++;
            }
            if (byTag.put(r.program(), r) != null) {
                finding("two runs in the log have the program " + r.program());
            }
            endingAt.put(r.to(), r);
        }
        figure("log_runs_unfinished", unfinished);
        if (covered != events.size()) {
            finding("runs cover " + covered + " events of " + events.size() + ": runs overlap or events belong to none");
        }

        long lost = 0;
        for (Map.Entry<String, String> d : done.entrySet()) {
            Run r = byTag.get(d.getKey());
            if (r == null || r.result() != Run.Result.SUCCEEDED) {
                lost++;
                finding("lost update: " + d.getKey() + " reported done, the log has " + r);
            }
        }
        figure("lost_updates", lost);

        // Fold once, checking each reported run's state where its RunFinished is.
        Map<Address, String> state = new TreeMap<>();
        long prefixChecked = 0;
        for (Event e : events) {
            if (e instanceof Checkpoint) {
                finding("a checkpoint at " + e.position() + ": nothing compacts in a soak");
            } else if (e instanceof ResourceEvent r) {
                Address at = new Address(r.chain(), r.id());
                if (r.snapshot() == null) {
                    state.remove(at);
                } else {
                    state.put(at, r.snapshot());
                }
            }
            Run ending = endingAt.get(e.position());
            if (ending != null && done.containsKey(ending.program())) {
                String got = digest(state, chain);
                if (!got.equals(done.get(ending.program()))) {
                    finding("run " + ending.program() + " reported " + done.get(ending.program())
                            + " but the log's fold at its end (" + e.position() + ") is " + got);
                }
                prefixChecked++;
            }
        }
        figure("prefix_checked", prefixChecked);

        Map<Address, String> fold = h.state();
        if (!fold.equals(state)) {
            finding("History.state() differs from the fold of History.events()");
        }
        VerifyReport report = h.verify();
        figure("verify_checked", report.checked());
        figure("verify_findings", report.findings().size());
        if (!report.ok()) {
            finding("state verify: " + report);
        }
        if (report.head() != events.size() || report.projected() != report.head()) {
            finding("projection mark " + report.projected() + " / head " + report.head() + " / events " + events.size());
        }
        if (h.lockHolder().isPresent()) {
            finding("the lock is still held at the end: " + h.lockHolder().get());
        }
    }

    /** {@code id=value,...} of the stage's records, in id order, as {@link SoakChild#digest} writes it. */
    static String digest(Map<Address, String> state, List<String> chain) throws Exception {
        Map<String, String> byId = new TreeMap<>();
        for (Map.Entry<Address, String> e : state.entrySet()) {
            if (!e.getKey().chain().equals(chain)) {
                continue; // the stage's own record
            }
            JsonNode props = JSON.readTree(e.getValue()).path("props");
            byId.put(e.getKey().id(), props.hasNonNull("tag") ? props.get("tag").asText()
                    : Integer.toString(props.path("value").asInt(-1)));
        }
        StringBuilder b = new StringBuilder();
        byId.forEach((id, v) -> b.append(b.length() == 0 ? "" : ",").append(id).append('=').append(v));
        return b.toString();
    }

    private static void figure(String name, long value) {
        System.out.println("figure " + name + " " + value);
    }

    private static void finding(String text) {
        System.out.println("finding " + text.replace('\n', ' '));
    }

    private SoakCheck() {
    }
}
