package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import run.alchemy.cli.Json;
import run.alchemy.cli.Progress;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Words;
import run.alchemy.engine.Address;

import java.util.List;
import java.util.Map;

/**
 * {@code alchemy state mv FROM TO [--to-scope A/B]}: moves a record (and the records under it) to another
 * id or scope (Terraform's {@code state mv}) through {@code Stage.move}; the real resources are not touched.
 *
 * <p>FROM names an existing record as {@code state show} does (relative to {@code --scope}). TO is the new
 * id, exactly as a program declares it: never split, since an id may hold {@code /} ({@code api/key}) and
 * a path form would be ambiguous. The scope comes from {@code --to-scope}, a path from the stage like
 * {@code --scope} (scope names hold no {@code /}), and is by default the scope FROM is in.
 */
@Command(name = "mv", mixinStandardHelpOptions = true,
        header = "Move a record to another id or scope; the resource stays.",
        description = {"Moves a record to a new id or scope, as Terraform's 'state mv': after renaming a resource"
                + " (or moving it into a scope) in the program, the next deploy finds its record under the new"
                + " id (and skips it if nothing else changed), instead of creating a new resource and deleting"
                + " the old one. The records"
                + " under it move with it. No provider is called and the real resources are not touched.",
                "FROM is a record relative to the stage or --scope, as 'state list' and 'state show' print it"
                        + " (api, child/note). TO is the new id exactly as the program declares it, never split"
                        + " into scopes: an id may contain '/' (api/key), so a path would be ambiguous. It stays"
                        + " in the scope FROM is in, unless --to-scope names another: a path from the stage,"
                        + " as --scope takes it (scope names never contain '/'), or / for the stage itself.",
                "The move is a run of its own, under the stage lock: each record moved is a pair of moved"
                        + " events in the log. Refused, writing nothing: a FROM with no record, a TO that has"
                        + " one, a --to-scope with no record, and a TO under FROM."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state mv readme docs          rename: readme is now docs",
                "  ./alchemy state mv child/note memo      child/note is now child/memo",
                "  ./alchemy state mv keep keep --to-scope child",
                "                                          keep is now child/keep",
                "  ./alchemy state mv child/note note --to-scope /",
                "                                          child/note is now note"})
final class MvCommand extends StateSubcommand {
    @Parameters(index = "0", paramLabel = "FROM", description = "The record to move, relative to the stage or --scope.")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "Its new id, as the program declares it (never split).")
    String to;

    @Option(names = "--to-scope", paramLabel = "A/B", description = "The scope to move it into, from the stage"
            + " (/ for the stage itself; default: the scope FROM is in).")
    String toScope;

    @Override
    @SuppressWarnings("try") // the progress spinner lives as long as the work
    int execute() {
        try (StageRef ref = stage()) {
            ref.requireScope();
            Address source = ref.resolve(from, ref.records());
            List<String> scope = toScope == null ? source.chain() : ref.scopeChain(toScope, "--to-scope");
            Address target = new Address(scope, to);
            Map<Address, Address> moved;
            try (Progress progress = Progress.start(io, "moving in " + ref.app + "/" + ref.stage, 0)) {
                moved = refusingAsUsage(() -> ref.asStage(io, "alchemy state mv").move(source, target),
                        "'alchemy state list' shows the ids",
                        "'alchemy state list' shows the ids; 'alchemy state mv --help' the rules for TO and --to-scope");
            }
            if (json) {
                ObjectNode o = Json.object();
                ArrayNode list = o.putArray("moved");
                moved.forEach((a, b) -> list.addObject().put("from", a.fqn()).put("to", b.fqn()));
                printJson(o);
            } else {
                moved.forEach((a, b) -> io.out.println(io.paint("moved", "33") + " " + a.fqn() + " → " + b.fqn()));
            }
            String how = ref.hasLog() ? " (moved events in the log)" : " (the store keeps no event log: no record of it)";
            summary("moved " + Words.count(moved.size(), "record") + " in " + ref.app + "/" + ref.stage + how
                    + "; the real resources were not touched: the next deploy that declares " + to + " in "
                    + String.join("/", scope) + " finds its record there (and skips it when nothing changed)");
            return 0;
        }
    }
}
