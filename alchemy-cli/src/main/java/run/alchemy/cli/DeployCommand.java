package run.alchemy.cli;

import run.alchemy.engine.StateStores;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import run.alchemy.api.Action;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.SecretException;
import run.alchemy.api.Scope;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.Plan;
import run.alchemy.engine.Stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code alchemy deploy --file stack.json}: a declarative stack of built-in resources, without Java. */
@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Deploy a stack file of files, folders and values (create, update, skip, delete).",
        description = {
                "Deploy a declarative stack of built-in resources: each resource is created, updated or skipped as"
                        + " its stored state says, and resources of the stage no longer in the file are deleted at"
                        + " the end — as in Alchemy. If a resource fails, nothing is deleted.",
                "",
                "Stack file:",
                "  {\"app\": \"my-app\", \"stage\": \"dev\",",
                "   \"resources\": [",
                "     {\"id\": \"out\", \"kind\": \"fs::Folder\",",
                "      \"props\": {\"path\": \"out\", \"clean\": true}},",
                "     {\"id\": \"readme\", \"kind\": \"fs::File\",",
                "      \"props\": {\"path\": \"out/README.md\", \"content\": \"hi\"}},",
                "     {\"id\": \"api\", \"kind\": \"alchemy::Value\",",
                "      \"props\": {\"url\": \"https://x\", \"key\": {\"@secretEnv\": \"API_KEY\"}}}],",
                "   \"scopes\": [{\"name\": \"child\", \"resources\": [], \"scopes\": []}]}",
                "",
                "Kinds: fs::File {path, content}, fs::Folder {path, delete, clean}, alchemy::Value (any JSON; its"
                        + " output is its props). Paths are relative to the working directory. {\"@secretEnv\": \"NAME\"}"
                        + " is a secret read from the environment variable NAME and stored encrypted with the password;"
                        + " secrets are never written in the file. \"app\" and \"stage\" are optional: --app and"
                        + " --stage win; the stage defaults to STAGE, ALCHEMY_STAGE, USER, USERNAME, then dev.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {
                "  # create, update, skip; delete what is no longer in the file",
                "  ./alchemy deploy --file stack.json",
                "  # with a secret ({\"@secretEnv\": \"API_KEY\"} in the file)",
                "  API_KEY=s3cret ALCHEMY_PASSWORD=pw ./alchemy deploy -f stack.json",
                "  # for scripts: the counts and every resource's action",
                "  ./alchemy deploy -f stack.json --stage prod --json",
                "  # update every resource, changed or not",
                "  ./alchemy deploy -f stack.json --force",
                "  # delete every resource of the stage",
                "  ./alchemy deploy --app my-app --stage dev --phase destroy",
                "  # what a deploy would do, changing nothing (exit 2 when it would change something)",
                "  ./alchemy deploy -f stack.json --plan --detailed-exitcode",
                "  # check that every resource of the file has state",
                "  ./alchemy deploy -f stack.json --phase read"})
final class DeployCommand implements Callable<Integer> {
    enum PhaseOption { up, destroy, read }

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The stack file (JSON); not needed to destroy.")
    Path file;

    @Option(names = "--phase", paramLabel = "PHASE", defaultValue = "up",
            description = "up (default), destroy or read.")
    PhaseOption phase;

    @Option(names = "--force", description = "Update every resource even when its props did not change.")
    boolean force;

    @Option(names = "--app", paramLabel = "NAME", description = "The app (default: \"app\" in the file).")
    String app;

    @Option(names = "--stage", paramLabel = "NAME", description = "The stage (default: \"stage\" in the file, then"
            + " STAGE, ALCHEMY_STAGE, USER, USERNAME, dev).")
    String stage;

    @Option(names = "--store", paramLabel = "URI", defaultValue = Stores.DEFAULT,
            description = "The state store (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--password-env", paramLabel = "NAME", defaultValue = "ALCHEMY_PASSWORD",
            description = "The environment variable holding the password that encrypts secrets (default: ${DEFAULT-VALUE}).")
    String passwordEnv;

    @Option(names = "--json", description = "Print one JSON object: the counts and every resource's action.")
    boolean json;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "What the deploy is for, recorded in the"
            + " log with the git commit of the working directory and shown by 'state runs'.")
    String message;

    @Option(names = "--plan", description = "Say what the deploy would do to each resource (with the changed props)"
            + " and do nothing: no provider runs, no byte of the store is written, no lock is taken.")
    boolean plan;

    @Option(names = "--detailed-exitcode", description = "With --plan: exit 2 when the deploy would change"
            + " something, 0 when it would change nothing.")
    boolean detailedExitcode;

    private Io io;

    @Override
    public Integer call() {
        io = Io.current();
        long startedAt = System.nanoTime();
        Phase p = Phase.valueOf(phase.name().toUpperCase(Locale.ROOT));
        Stack stack = null;
        if (file != null) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw CliException.usage("no stack file " + file, "--file names a JSON file; see 'alchemy deploy --help'");
            } catch (IOException e) {
                throw CliException.usage("cannot read " + file + ": " + e.getMessage(), null);
            }
            stack = Stack.parse(bytes, file.toString(), io.env, p == Phase.UP);
        } else if (p != Phase.DESTROY) {
            throw CliException.usage("deploy needs --file (the stack)", "'alchemy deploy --help' shows the shape of a stack file");
        }
        if (plan && p != Phase.UP) {
            throw CliException.usage("--plan is of a deploy (--phase up), not of --phase " + phase,
                    "leave out --phase, or --plan");
        }
        if (detailedExitcode && !plan) {
            throw CliException.usage("--detailed-exitcode is an option of --plan", "add --plan");
        }
        String appName = app != null ? app : stack != null ? stack.app : null;
        if (appName == null) {
            throw CliException.usage("no app: give \"app\" in the stack file or --app NAME",
                    "state lives in <store>/<app>/<stage>; 'alchemy deploy --help' shows the shape of a stack file");
        }
        String stageName = stage != null ? stage : stack != null && stack.stage != null ? stack.stage : Alchemy.defaultStage(io.env);
        String password = io.env(passwordEnv);
        if (password == null && !"ALCHEMY_PASSWORD".equals(passwordEnv)) {
            throw CliException.usage("environment variable " + passwordEnv + " (--password-env) is not set", null);
        }
        if (p == Phase.UP && stack != null && !stack.secrets.isEmpty() && password == null) {
            throw CliException.usage(file + ": " + stack.secrets.get(0) + " is a secret, and secrets are stored"
                    + " encrypted: no password in " + passwordEnv,
                    "set " + passwordEnv + ", or name another variable with --password-env NAME");
        }

        Stage target = Alchemy.app(appName).stage(stageName).phase(p).force(force)
                .password(password).environment(io.env).program("alchemy deploy").message(message);
        if (plan) {
            Stack s = stack;
            Plan planned = withPasswordAdvice(password, appName, stageName,
                    () -> target.stateStore(Stores.open(store)).plan(a -> declare(a, s.root)));
            PlanOutput.print(planned, appName + "/" + stageName + " in " + StateStores.describe(store), json, io);
            return detailedExitcode && planned.hasChanges() ? 2 : 0;
        }
        List<Outcome> outcomes = new ArrayList<>();
        long total = p == Phase.UP || p == Phase.READ ? stack.size() : 0;
        String verb = switch (p) {
            case UP -> "deploying";
            case DESTROY -> "destroying";
            case READ -> "reading";
        };
        try (Progress progress = Progress.start(io, verb + " " + appName + "/" + stageName, total)) {
            Stage listened = target.listener(o -> {
                synchronized (outcomes) {
                    outcomes.add(o);
                }
                if (!json) {
                    progress.println(io.out, "  " + Outcomes.line(o, io));
                }
                progress.step(o.fqn());
            });
            StateStore opened = Stores.open(store);
            // Said once, before the outcomes: without a log this run keeps no history and takes no lock;
            // a log without conditional writes guards the stage less.
            opened.logNote().ifPresent(note -> progress.println(json ? io.err : io.out,
                    (json ? "note: " : io.paint("note:", "33") + " ") + note));
            Stage deploy = listened.stateStore(opened);
            Stack s = stack;
            withPasswordAdvice(password, appName, stageName, () -> {
                deploy.run(a -> {
                    if (p != Phase.DESTROY) {
                        declare(a, s.root);
                    }
                });
                return null;
            });
        }

        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        for (Outcome o : outcomes) {
            counts.merge(o.action(), 1, Integer::sum);
        }
        String took = String.format("%.1f s", (System.nanoTime() - startedAt) / 1e9);
        String where = appName + "/" + stageName + " in " + StateStores.describe(store);
        String summary = switch (p) {
            case UP -> "deployed " + where + ": " + n(counts, Action.CREATED) + " created, " + n(counts, Action.UPDATED)
                    + " updated, " + n(counts, Action.REPLACED) + " replaced, " + n(counts, Action.SKIPPED) + " skipped, "
                    + n(counts, Action.DELETED) + " deleted in " + took;
            case DESTROY -> "destroyed " + where + ": " + n(counts, Action.DELETED) + " deleted in " + took;
            case READ -> "read " + where + ": " + n(counts, Action.READ) + " resources have state (" + took + ")";
        };
        if (json) {
            ObjectNode o = Json.object();
            o.put("app", appName);
            o.put("stage", stageName);
            o.put("store", StateStores.describe(store));
            o.put("phase", phase.name());
            for (Action a : List.of(Action.CREATED, Action.UPDATED, Action.REPLACED, Action.SKIPPED, Action.DELETED)) {
                o.put(a.name().toLowerCase(Locale.ROOT), n(counts, a));
            }
            if (p == Phase.READ) {
                o.put("read", n(counts, Action.READ));
            }
            ArrayNode list = o.putArray("resources");
            for (Outcome x : outcomes) {
                ObjectNode r = list.addObject();
                r.put("id", x.id());
                r.put("scope", String.join("/", x.chain()));
                r.put("kind", x.kind());
                r.put("action", x.action().name().toLowerCase(Locale.ROOT));
            }
            io.out.println(Json.pretty(o));
            io.err.println(summary);
        } else {
            io.out.println(io.paint(summary, "1"));
        }
        return 0;
    }

    /**
     * Runs {@code body}; when it needed a stored secret and there is no password, fails with the same
     * usage error as a secret in the file without one. Records without secrets never ask.
     */
    private <T> T withPasswordAdvice(String password, String appName, String stageName, Supplier<T> body) {
        try {
            return body.get();
        } catch (SecretException e) {
            if (password != null) {
                throw e;
            }
            String what = String.valueOf(e.getMessage());
            int colon = what.indexOf(": cannot ");
            throw CliException.usage("no password in " + passwordEnv + ", and secrets are stored encrypted: "
                            + appName + "/" + stageName + " holds one (" + (colon > 0 ? what.substring(0, colon) : what) + ")",
                    "set " + passwordEnv + ", or name another variable with --password-env NAME", e);
        }
    }

    private static int n(Map<Action, Integer> counts, Action a) {
        return counts.getOrDefault(a, 0);
    }

    private static void declare(Scope scope, Stack.ScopeDef def) {
        for (Stack.Resource r : def.resources()) {
            apply(scope, r);
        }
        for (Stack.ScopeDef child : def.scopes()) {
            scope.scope(child.name(), s -> declare(s, child));
        }
    }

    @SuppressWarnings("unchecked")
    private static <P, O> void apply(Scope scope, Stack.Resource r) {
        scope.apply(r.id(), (ResourceProvider<P, O>) r.provider(), (P) r.props());
    }
}
