package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpAndCompletionTest {
    /** Every command's path, e.g. [state, rotate-password], from the command tree itself. */
    private static List<List<String>> commands() {
        List<List<String>> out = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, out);
            }
        });
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        List<List<String>> all = commands();
        assertTrue(all.size() >= 17, "the tree: " + all);
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli.Result r = new Cli().run(args.toArray(String[]::new));
            assertEquals(0, r.code(), path + ": " + r);
            String usage = "Usage: alchemy" + (path.isEmpty() ? "" : " " + String.join(" ", path));
            assertTrue(r.out().contains(usage), path + ": " + r.out());
            assertTrue(r.out().contains("\nExamples:\n  "), path + " has examples: " + r.out());
            String example = r.out().substring(r.out().indexOf("\nExamples:\n"));
            assertTrue(example.contains("alchemy " + String.join(" ", path)),
                    path + ": its examples use it: " + example);
            for (String line : r.out().lines().toList()) {
                assertTrue(line.codePointCount(0, line.length()) <= 80, path + ": a line over 80 columns: " + line);
            }
        }
        Cli.Result viaHelp = new Cli().run("help", "deploy");
        assertEquals(0, viaHelp.code());
        assertTrue(viaHelp.out().contains("{\"@secretEnv\": \"NAME\"}"), viaHelp.out());
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = new Cli().run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: Missing required subcommand"), r.err());
        assertTrue(r.err().contains("hint: 'alchemy --help'"), r.err());
        Cli.Result typo = new Cli().run("stat");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("Did you mean") && typo.err().contains("state"), typo.err());
    }

    @Test
    void theCompletionScriptCompletesCommandsOptionsAndValuesInBash(@TempDir Path dir) throws Exception {
        Cli.Result r = new Cli().run("completion");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("complete -F _complete_alchemy"), r.out());
        Path script = dir.resolve("alchemy-completion.bash");
        Files.writeString(script, r.out());
        assertEquals(List.of("rotate-password"), complete(script, "alchemy state ro"));
        assertEquals(List.of("--phase"), complete(script, "alchemy deploy --ph"));
        assertEquals(List.of("up", "destroy", "read"), complete(script, "alchemy deploy --phase "));
        List<String> top = complete(script, "alchemy ");
        assertTrue(top.containsAll(List.of("demo", "deploy", "state", "completion")), top.toString());
        List<String> state = complete(script, "alchemy state ");
        assertTrue(state.containsAll(List.of("list", "show", "export", "import", "history", "runs", "diff", "replay",
                "verify", "rebuild", "unlock", "rotate-password", "rm", "mv", "restore")), state.toString());
    }

    /** What bash offers after {@code line}, by calling the completion function as bash does. */
    private static List<String> complete(Path script, String line) throws Exception {
        String[] words = line.endsWith(" ") ? (line + "x").split(" ") : line.split(" ");
        if (line.endsWith(" ")) {
            words[words.length - 1] = "";
        }
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append("'").append(w).append("' ");
        }
        String program = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_alchemy alchemy '"
                + words[words.length - 1] + "' '" + words[words.length - 2] + "' 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", program).redirectInput(new File("/dev/null"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.lines().filter(s -> !s.isBlank()).toList();
    }

    @Test
    void versionIsPrinted() {
        Cli.Result r = new Cli().run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("alchemy-java "), r.out());
    }
}
