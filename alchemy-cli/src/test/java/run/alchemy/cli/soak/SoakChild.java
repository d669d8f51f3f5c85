package run.alchemy.cli.soak;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.StageChangedException;
import run.alchemy.api.StageLockLostException;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.StoreException;
import run.alchemy.engine.Alchemy;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One soak deployer, run in its own JVM so that the driver can SIGKILL it. Runs
 * {@code from .. runs-1} of its deployer, each a seeded random program on the one shared stage
 * (see {@link #program}), and tells the driver on stdout, one line each:
 * {@code begin I TAG} when a run starts, {@code op} on every provider call (the driver's kill
 * points), then {@code ok I TAG DIGEST}, {@code refused I TAG TYPE} (lock or changed stage: a
 * typed loss), {@code lost I TAG} (the lease was lost), {@code storefail I TAG} (the store failed
 * past its retries) or {@code finding I TAG TYPE} (anything else: its stack trace on stderr).
 *
 * <p>Arguments {@code key=value}: {@code store} (a store URI; credentials from the environment),
 * {@code app}, {@code stage}, {@code password}, {@code deployer}, {@code instance} (its JVMs, counted
 * from 0: a restart after a kill is the next), {@code seed}, {@code from},
 * {@code runs}, {@code deadline} (epoch ms: no run starts after it), {@code mustRun} (start one
 * run even past the deadline: a restart after a kill, so that an open repairs what the kill left),
 * {@code lockTimeoutMs}, {@code leaseMs}, {@code sleepMs} (per provider call).
 */
public final class SoakChild {
    /** The resources a program may declare: {@code r00 .. r23}, beside {@code tick}. */
    static final int POOL = 24;
    /** The resource every run updates (its tag), so that every run writes and is in the log. */
    static final String TICK = "tick";
    static final String KIND = "soak::Thing";

    /**
     * A resource's props.
     *
     * @param value what a program sets (0..2: a run often leaves it as it was)
     * @param tag   the run's tag, on {@link #TICK} only
     */
    public record Props(int value, String tag) {
    }

    /**
     * A resource's output.
     *
     * @param value the props' value
     */
    public record Output(int value) {
    }

    /** Keeps nothing but the engine's state; says {@code op} on each call. */
    static final class Provider implements ResourceProvider<Props, Output> {
        private final long sleepMs;
        private final PrintStream out;

        Provider(long sleepMs, PrintStream out) {
            this.sleepMs = sleepMs;
            this.out = out;
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
            op();
            return new Output(props.value());
        }

        @Override
        public Output update(Context<Props, Output> ctx, Props props) throws Exception {
            op();
            return new Output(props.value());
        }

        @Override
        public void delete(Context<Props, Output> ctx, Props props, Output output) throws Exception {
            op();
        }

        private void op() throws InterruptedException {
            out.println("op");
            out.flush();
            if (sleepMs > 0) {
                Thread.sleep(sleepMs);
            }
        }
    }

    /** The tag of run {@code i} of {@code deployer}'s JVM {@code instance}: its program name, unique in the soak. */
    static String tag(int deployer, int instance, int i) {
        return "soak/d" + deployer + "/j" + instance + "/" + i;
    }

    /**
     * What run {@code i} of {@code deployer} declares, by id: each pool resource with probability
     * one half, at a value 0..2, and {@link #TICK}. The engine decides what is created, updated,
     * skipped or deleted against whatever the runs before (any deployer's) left.
     */
    static Map<String, Props> program(long seed, int deployer, int i, String tag) {
        Random random = new Random(seed * 1_000_003L + deployer * 10_007L + i);
        Map<String, Props> declared = new TreeMap<>();
        for (int j = 0; j < POOL; j++) {
            if (random.nextBoolean()) {
                declared.put(String.format("r%02d", j), new Props(random.nextInt(3), null));
            }
        }
        declared.put(TICK, new Props(0, tag));
        return declared;
    }

    /** {@code id=value,...} of a program, in id order: what the log's fold at the run's end must hold. */
    static String digest(Map<String, Props> declared) {
        StringBuilder b = new StringBuilder();
        declared.forEach((id, p) -> b.append(b.length() == 0 ? "" : ",").append(id).append('=')
                .append(p.tag() != null ? p.tag() : Integer.toString(p.value())));
        return b.toString();
    }

    public static void main(String[] argv) {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        PrintStream out = System.out;
        int deployer = Integer.parseInt(a.get("deployer"));
        long seed = Long.parseLong(a.get("seed"));
        int runs = Integer.parseInt(a.get("runs"));
        long deadline = Long.parseLong(a.get("deadline"));
        boolean mustRun = Boolean.parseBoolean(a.get("mustRun"));
        Provider provider = new Provider(Long.parseLong(a.getOrDefault("sleepMs", "0")), out);
        boolean lastWrote = true;
        int extra = 0;
        for (int i = Integer.parseInt(a.get("from")); ; i++) {
            boolean wanted = i < runs && (mustRun || System.currentTimeMillis() < deadline);
            if (!wanted) {
                // The last run must leave the stage as a run leaves it: one that failed on a store
                // fault may have left events past the projection mark, which the next open repairs.
                if (lastWrote || extra++ >= 5) {
                    break;
                }
            }
            mustRun = false;
            lastWrote = runOnce(a, provider, out, deployer, seed, i);
        }
        out.flush();
        System.exit(0);
    }

    /** One run; true unless it failed in a way that may leave the projection behind the log. */
    private static boolean runOnce(Map<String, String> a, Provider provider, PrintStream out, int deployer, long seed,
                                   int i) {
        String tag = tag(deployer, Integer.parseInt(a.get("instance")), i);
        Map<String, Props> declared = program(seed, deployer, i, tag);
        out.println("begin " + i + " " + tag);
        out.flush();
        try {
            Alchemy.app(a.get("app")).stage(a.get("stage"))
                    .password(a.get("password"))
                    .environment(Map.of())
                    .stateStore(a.get("store"))
                    .provider(provider)
                    .lockTimeout(Duration.ofMillis(Long.parseLong(a.get("lockTimeoutMs"))))
                    .lease(Duration.ofMillis(Long.parseLong(a.get("leaseMs"))))
                    .program(tag)
                    .run(app -> declared.forEach((id, p) -> app.apply(id, provider, p)));
            out.println("ok " + i + " " + tag + " " + digest(declared));
            return true;
        } catch (StageLockedException | StageChangedException e) {
            out.println("refused " + i + " " + tag + " " + e.getClass().getSimpleName());
            return true;
        } catch (StageLockLostException e) {
            out.println("lost " + i + " " + tag);
            System.err.println(tag + ": " + e.getMessage());
            return false;
        } catch (StoreException e) {
            out.println("storefail " + i + " " + tag);
            System.err.println(tag + ": " + e);
            return false;
        } catch (Throwable t) {
            out.println("finding " + i + " " + tag + " " + t.getClass().getName());
            System.err.println(tag + ":");
            t.printStackTrace();
            dumpLock(a);
            return false;
        } finally {
            out.flush();
            System.err.flush();
        }
    }

    /** For a finding: the stage's lease chain as it is now, on stderr. */
    private static void dumpLock(Map<String, String> a) {
        try (run.alchemy.api.spi.StateStore store = run.alchemy.engine.StateStores.open(a.get("store"))) {
            run.alchemy.api.spi.LogStore log = store.logStore(a.get("app"), a.get("stage")).orElseThrow();
            System.err.println("the lease chain now, head " + log.head() + ":");
            for (String name : log.controls("lock/")) {
                System.err.println("  " + name + ": " + log.control(name).map(c -> new String(c.bytes(),
                        java.nio.charset.StandardCharsets.UTF_8).replace('\n', ' ')).orElse("(gone)"));
            }
        } catch (RuntimeException e) {
            System.err.println("(could not read the lease chain: " + e + ")");
        }
    }

    private SoakChild() {
    }
}
