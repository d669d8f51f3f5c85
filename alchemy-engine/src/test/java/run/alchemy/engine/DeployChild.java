package run.alchemy.engine;

import run.alchemy.api.Context;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;
import run.alchemy.api.StageChangedException;
import run.alchemy.api.StageLockedException;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deploy program run in a child JVM by the crash and concurrency tests. Arguments are
 * {@code key=value}: {@code root} (the .alchemy directory), {@code app}, {@code stage},
 * {@code password}, {@code phase} ({@code up} or {@code destroy}), {@code count} resources named
 * {@code <prefix>r<j>}, {@code generation} (part of every resource's props, so a new generation
 * updates them all), {@code lockTimeoutMs}, {@code go} (a file to wait for before opening, after
 * printing {@code ready}), {@code sleepMs} (per provider call). It prints {@code working} when the
 * first resource is done (created, updated, skipped or deleted), and {@code done} at the end.
 *
 * <p>Exit codes: 0 done, 3 {@link StageLockedException} or {@link StageChangedException} (its message on
 * stderr), 1 anything else.
 */
public final class DeployChild {
    static final String KIND = "crash::Thing";
    static final String PROGRAM = "DeployChild";
    static final int EXIT_LOCKED = 3;

    public record Props(String name, int generation, Secret token) {
    }

    public record Output(String name, int generation, Secret token) {
    }

    /** Creates, updates and deletes nothing but state: enough to exercise the engine and the log. */
    static final class Provider implements ResourceProvider<Props, Output> {
        private final long sleepMs;

        Provider(long sleepMs) {
            this.sleepMs = sleepMs;
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public Class<Props> propsType() {
            return Props.class;
        }

        @Override
        public Class<Output> outputType() {
            return Output.class;
        }

        @Override
        public Output create(Context<Props, Output> ctx, Props props) throws Exception {
            pause();
            return new Output(props.name(), props.generation(), props.token());
        }

        @Override
        public Output update(Context<Props, Output> ctx, Props props) throws Exception {
            pause();
            return new Output(props.name(), props.generation(), props.token());
        }

        @Override
        public void delete(Context<Props, Output> ctx, Props props, Output output) throws Exception {
            pause();
        }

        private void pause() throws InterruptedException {
            if (sleepMs > 0) {
                Thread.sleep(sleepMs);
            }
        }
    }

    /** The props of resource {@code j} in {@code generation}: every fifth carries a secret. */
    static Props props(String prefix, int j, int generation) {
        return new Props(prefix + "r" + j, generation, j % 5 == 0 ? Secret.of("token-" + j + "-" + generation) : null);
    }

    /** The command line that runs this program in a new JVM. */
    static List<String> command(Map<String, String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DeployChild.class.getName());
        args.forEach((k, v) -> cmd.add(k + "=" + v));
        return cmd;
    }

    public static void main(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        try {
            String prefix = args.getOrDefault("prefix", "");
            int count = Integer.parseInt(args.getOrDefault("count", "0"));
            int generation = Integer.parseInt(args.getOrDefault("generation", "0"));
            Phase phase = "destroy".equals(args.get("phase")) ? Phase.DESTROY : Phase.UP;
            Provider provider = new Provider(Long.parseLong(args.getOrDefault("sleepMs", "0")));
            Stage builder = Alchemy.app(args.get("app"))
                    .stage(args.get("stage"))
                    .phase(phase)
                    .password(args.get("password"))
                    .environment(Map.of())
                    .stateStore(new FileSystemStateStore(Path.of(args.get("root"))))
                    .provider(provider)
                    .lockTimeout(Duration.ofMillis(Long.parseLong(args.getOrDefault("lockTimeoutMs", "0"))))
                    .program(PROGRAM);
            String go = args.get("go");
            if (go != null) {
                // Load what opening needs before the start line, so that the children reach the lock together.
                props(prefix, 0, generation);
                for (String c : new String[] {"run.alchemy.engine.internal.Engine",
                        "run.alchemy.engine.internal.state.EventSourcedRepository", "run.alchemy.engine.internal.StageLease",
                        "run.alchemy.engine.internal.log.EventCodec",
                        "run.alchemy.store.fs.internal.FileSystemLogStore",
                        "run.alchemy.api.StageLockedException", "com.fasterxml.jackson.databind.ObjectMapper"}) {
                    Class.forName(c);
                }
                System.out.println("ready");
                System.out.flush();
                while (!Files.exists(Path.of(go))) {
                    Thread.sleep(1);
                }
            }
            java.util.concurrent.atomic.AtomicBoolean working = new java.util.concurrent.atomic.AtomicBoolean();
            builder = builder.listener(outcome -> {
                if (working.compareAndSet(false, true)) {
                    System.out.println("working");
                    System.out.flush();
                }
            });
            builder.run(app -> {
                if (phase == Phase.UP) {
                    for (int j = 0; j < count; j++) {
                        app.apply(prefix + "r" + j, provider, props(prefix, j, generation));
                    }
                }
            });
            System.out.println("done");
            System.out.flush();
            System.exit(0);
        } catch (StageLockedException | StageChangedException e) {
            System.err.println(e.getMessage());
            System.err.flush();
            System.exit(EXIT_LOCKED);
        } catch (Throwable t) {
            t.printStackTrace();
            System.err.flush();
            System.exit(1);
        }
    }

    // ------------------------------------------------------------------ helpers for the parent JVM

    /** Starts this program in a new JVM; its stdout and stderr go to {@code out} and {@code err}. */
    static Process start(Map<String, String> args, Path out, Path err) throws IOException {
        return new ProcessBuilder(command(args))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
    }

    /** The stage's history, read by the parent (no lock is taken). */
    static History history(Path root, String app, String stage) {
        return Alchemy.app(app).stage(stage).environment(Map.of()).stateStore(new FileSystemStateStore(root))
                .history();
    }

    /** The directory of the stage's event log. */
    static Path logDir(Path root, String app, String stage) {
        return root.resolve(".alchemy-java").resolve(app).resolve(stage);
    }

    /**
     * Every snapshot file of the stage (the stage's own record {@code <app>/<stage>.json} and every
     * {@code .json} below {@code <app>/<stage>/}, leaving out the store's hidden temporary files),
     * by address, with its text.
     */
    static Map<Address, String> snapshots(Path root, String app, String stage) {
        Map<Address, String> out = new java.util.TreeMap<>();
        Path own = root.resolve(app).resolve(stage + ".json");
        if (Files.isRegularFile(own)) {
            out.put(new Address(List.of(app), stage), read(own));
        }
        Path dir = root.resolve(app).resolve(stage);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(".json")) {
                    continue;
                }
                List<String> chain = new ArrayList<>(List.of(app, stage));
                Path rel = dir.relativize(p.getParent());
                for (Path segment : rel) {
                    if (!segment.toString().isEmpty()) {
                        chain.add(segment.toString());
                    }
                }
                String id = name.substring(0, name.length() - ".json".length()).replace(':', '/');
                out.put(new Address(chain, id), read(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The store's temporary files (a write killed between creating and renaming them) below the stage. */
    static long tempFiles(Path root, String app, String stage) {
        Path dir = root.resolve(app).resolve(stage);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private DeployChild() {
    }
}
