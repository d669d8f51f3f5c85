package run.alchemy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.engine.Change;
import run.alchemy.engine.Plan;

/**
 * {@code deploy --plan}'s report. Text: a line per resource the deploy would change ({@code +}
 * create, {@code ~} update with each changed JSON pointer, old → new, {@code -} delete), then the
 * counts. JSON: {@code {"create", "update", "delete", "skip", "resources": [{"id", "scope", "kind",
 * "action", "changes"}]}}. A secret shows only as {@code <secret changed>}.
 */
final class PlanOutput {
    private PlanOutput() {
    }

    static void print(Plan plan, String where, boolean json, Io io) {
        String summary = "plan for " + where + ": " + plan.count(Action.CREATED) + " to create, "
                + plan.count(Action.UPDATED) + " to update, " + plan.count(Action.DELETED) + " to delete, "
                + plan.count(Action.SKIPPED) + " unchanged" + (plan.hasChanges() ? "" : " (nothing to do)");
        if (json) {
            io.out.println(Json.pretty(toJson(plan)));
            io.err.println(summary);
            return;
        }
        for (Plan.Step s : plan.steps()) {
            if (s.action() == Action.SKIPPED) {
                continue;
            }
            String mark = switch (s.action()) {
                case CREATED -> io.paint("+ create", "32");
                case DELETED -> io.paint("- delete", "31");
                default -> io.paint("~ update", "33");
            };
            io.out.println("  " + mark + "  " + s.address().fqn() + " (" + s.kind() + ")");
            for (Change c : s.changes()) {
                io.out.println("        " + c.pointer() + ": " + value(c));
            }
        }
        io.out.println(io.paint(summary, "1"));
    }

    private static String value(Change c) {
        if (c.secret()) {
            return "<secret " + (c.kind() == Change.Kind.CHANGED ? "changed" : word(c.kind())) + ">";
        }
        return switch (c.kind()) {
            case ADDED -> "(none) → " + c.after();
            case REMOVED -> c.before() + " → (none)";
            case CHANGED -> c.before() + " → " + c.after();
        };
    }

    private static String word(Change.Kind kind) {
        return kind == Change.Kind.ADDED ? "added" : "removed";
    }

    static ObjectNode toJson(Plan plan) {
        ObjectNode o = Json.object();
        o.put("create", plan.count(Action.CREATED));
        o.put("update", plan.count(Action.UPDATED));
        o.put("delete", plan.count(Action.DELETED));
        o.put("skip", plan.count(Action.SKIPPED));
        ArrayNode list = o.putArray("resources");
        for (Plan.Step s : plan.steps()) {
            ObjectNode r = list.addObject();
            r.put("id", s.address().id());
            r.put("scope", String.join("/", s.address().chain()));
            r.put("kind", s.kind());
            r.put("action", verb(s.action()));
            ArrayNode changes = r.putArray("changes");
            s.changes().forEach(c -> changes.add(c.pointer()));
        }
        return o;
    }

    private static String verb(Action action) {
        return switch (action) {
            case CREATED -> "create";
            case UPDATED -> "update";
            case DELETED -> "delete";
            case SKIPPED -> "skip";
            default -> throw new IllegalArgumentException("no plan step does " + action);
        };
    }

}
