package run.alchemy.cli.state;

import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.engine.Address;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;
import run.alchemy.engine.Run;
import run.alchemy.engine.VerifyReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code state timeline}'s page: one self-contained HTML file (styles and script inline, nothing
 * fetched) with the stage's runs on a timeline, each opening to the changes it made, every
 * resource's own history, the lock holder, and whether the snapshots match the log. Every name
 * from the state is escaped; secret values are never in it (changes name secrets only).
 */
final class TimelinePage {
    /** Runs shown with their changes; older ones are listed without (each costs two folds of the log). */
    static final int RUNS_WITH_CHANGES = 200;

    private TimelinePage() {
    }

    static String render(String title, History history) {
        List<Event> events = history.events();
        List<Run> runs = history.runs();
        Optional<LockHolder> holder = history.lockHolder();
        VerifyReport verify = history.verify();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append(" — alchemy state timeline</title>\n<style>").append(STYLE)
                .append("</style></head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p class=\"facts\"><span id=\"run-count\">").append(runs.size()).append(" runs</span> · ")
                .append(events.size()).append(" events · head ").append(history.head()).append(" · lock: ")
                .append(holder.map(l -> "<b class=\"held\">held by " + esc(l.describe()) + "</b>").orElse("free"))
                .append(" · snapshots: ").append(verify.ok() ? "<b class=\"ok\">match the log</b>"
                        : "<b class=\"bad\">" + verify.findings().size() + " differ from the log</b>")
                .append("</p>\n");
        if (!verify.ok()) {
            h.append("<ul class=\"findings\">");
            for (VerifyReport.Finding f : verify.findings()) {
                h.append("<li>").append(esc(f.address().fqn())).append(": ").append(esc(word(f.kind().name())))
                        .append(f.problem() == null ? "" : " — " + esc(f.problem())).append("</li>");
            }
            h.append("</ul>\n");
        }
        timeline(h, runs);
        h.append("<h2>Runs</h2>\n");
        for (int i = runs.size() - 1; i >= 0; i--) {
            run(h, runs.get(i), runs.size() - i <= RUNS_WITH_CHANGES ? history : null);
        }
        resources(h, events);
        h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return h.toString();
    }

    /** A bar per run, placed by its start between the first and the last run, coloured by outcome. */
    private static void timeline(StringBuilder h, List<Run> runs) {
        h.append("<div class=\"timeline\" aria-label=\"runs over time\">");
        if (!runs.isEmpty()) {
            long first = runs.get(0).started().toEpochMilli();
            long span = Math.max(1, runs.get(runs.size() - 1).started().toEpochMilli() - first);
            for (Run r : runs) {
                double left = 100.0 * (r.started().toEpochMilli() - first) / span;
                h.append("<a class=\"tick ").append(result(r)).append("\" href=\"#run-").append(esc(r.runId()))
                        .append("\" style=\"left:").append(String.format(Locale.ROOT, "%.2f", left * 0.98))
                        .append("%\" title=\"").append(esc(r.started() + " " + phase(r) + " " + result(r)))
                        .append("\"></a>");
            }
        }
        h.append("</div>\n");
    }

    private static void run(StringBuilder h, Run r, History withChanges) {
        h.append("<details class=\"run ").append(result(r)).append("\" id=\"run-").append(esc(r.runId()))
                .append("\" data-run=\"").append(esc(r.runId())).append("\"><summary>")
                .append("<span class=\"when\">").append(esc(String.valueOf(r.started()))).append("</span> ")
                .append("<b>").append(phase(r)).append("</b> ")
                .append("<span class=\"outcome\">").append(result(r)).append("</span> by ").append(esc(r.actor()))
                .append(" · ").append(r.created()).append(" created, ").append(r.updated()).append(" updated, ")
                .append(r.replaced()).append(" replaced, ").append(r.deleted()).append(" deleted")
                .append(r.finished() == null ? "" : " · " + took(r.started(), r.finished()))
                .append(" · <code>").append(esc(String.valueOf(r.program()))).append("</code>")
                .append(" · events ").append(r.from()).append("–").append(r.to()).append("</summary>\n");
        if (withChanges == null) {
            h.append("<p class=\"muted\">changes are shown for the last ").append(RUNS_WITH_CHANGES)
                    .append(" runs: <code>alchemy state diff</code> gives this one's</p>");
        } else {
            List<Change> changes = withChanges.diff(r.from() - 1, r.to());
            if (changes.isEmpty()) {
                h.append("<p class=\"muted\">no record changed</p>");
            } else {
                h.append("<ul class=\"changes\">");
                for (Change c : changes) {
                    h.append("<li><code>").append(esc(c.address().fqn() + c.pointer())).append("</code> ")
                            .append(esc(c.kind().name().toLowerCase(Locale.ROOT))).append(c.secret() ? " (secret)"
                                    : c.kind() == Change.Kind.CHANGED ? ": " + esc(shorten(c.before())) + " → "
                                    + esc(shorten(c.after())) : "")
                            .append("</li>");
                }
                h.append("</ul>");
            }
        }
        h.append("</details>\n");
    }

    /** Each record's events, oldest first, under its address. */
    private static void resources(StringBuilder h, List<Event> events) {
        Map<Address, List<ResourceEvent>> byAddress = new TreeMap<>();
        for (Event e : events) {
            if (e instanceof ResourceEvent r) {
                byAddress.computeIfAbsent(new Address(r.chain(), r.id()), a -> new ArrayList<>()).add(r);
            }
        }
        h.append("<h2>Resources</h2>\n<input id=\"filter\" type=\"search\" placeholder=\"filter by name\">\n");
        for (Map.Entry<Address, List<ResourceEvent>> e : byAddress.entrySet()) {
            List<ResourceEvent> list = e.getValue();
            h.append("<details class=\"resource\" data-resource=\"").append(esc(e.getKey().fqn())).append("\"><summary>")
                    .append(esc(e.getKey().fqn())).append(" <span class=\"muted\">").append(esc(list.get(0).kind()))
                    .append(" · ").append(list.size()).append(" events · last ")
                    .append(esc(HistoryCommand.type(list.get(list.size() - 1)))).append("</span></summary><ol>");
            for (ResourceEvent r : list) {
                h.append("<li value=\"").append(r.position()).append("\">").append(esc(String.valueOf(r.time())))
                        .append(" <b>").append(esc(HistoryCommand.type(r))).append("</b> <a href=\"#run-").append(esc(String.valueOf(r.runId())))
                        .append("\">run ").append(esc(shortId(r.runId()))).append("</a></li>");
            }
            h.append("</ol></details>\n");
        }
    }

    private static String phase(Run r) {
        return r.phase().name().toLowerCase(Locale.ROOT);
    }

    private static String result(Run r) {
        return r.result().name().toLowerCase(Locale.ROOT);
    }

    private static String word(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String shortId(String runId) {
        return runId == null ? "?" : runId.length() > 8 ? runId.substring(0, 8) : runId;
    }

    private static String took(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.toMillis() < 10_000 ? String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)
                : d.toSeconds() + " s";
    }

    private static String shorten(String json) {
        return json == null ? "" : json.length() > 120 ? json.substring(0, 117) + "…" : json;
    }

    /** HTML text and attribute values: every character that could end either is escaped. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2330;background:#fbfbfd}
            h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
            .facts{color:#4a5160}.ok{color:#137a3a}.bad,.held{color:#b3261e}
            .timeline{position:relative;height:44px;margin:1rem 0;border-radius:6px;background:#e8ebf3}
            .tick{position:absolute;top:6px;width:1.2%;min-width:6px;height:32px;border-radius:3px}
            .succeeded{--c:#2e9d5b}.failed{--c:#d0453b}.unfinished{--c:#d69a17}
            .tick{background:var(--c)}.run{border-left:5px solid var(--c);background:#fff;margin:.35rem 0;
            padding:.35rem .7rem;border-radius:4px;box-shadow:0 1px 2px #0001}
            .outcome{color:var(--c);font-weight:600}.when{color:#4a5160;font-variant-numeric:tabular-nums}
            .resource{background:#fff;margin:.25rem 0;padding:.3rem .7rem;border-radius:4px}
            .muted{color:#6b7280}code{font:12px ui-monospace,monospace}summary{cursor:pointer}
            #filter{padding:.3rem .5rem;width:20rem;margin-bottom:.5rem}
            """;

    private static final String SCRIPT = """
            document.getElementById('filter').addEventListener('input', e => {
              const q = e.target.value.toLowerCase();
              document.querySelectorAll('[data-resource]').forEach(d => {
                d.hidden = q !== '' && !d.dataset.resource.toLowerCase().includes(q);
              });
            });
            """;
}
