package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's program, run against a temporary directory (the file-system store). */
class HelloTest {
    @TempDir
    Path dir;

    private List<String> deploy(String text, Phase phase) {
        List<Outcome> outcomes = new ArrayList<>();
        Hello.deploy(dir, text, phase, outcomes::add);
        return outcomes.stream().map(o -> o.action() + " " + o.fqn() + " " + o.kind()).toList();
    }

    @Test
    void createsSkipsUpdatesAndDestroys() throws Exception {
        Path note = dir.resolve("hello.txt");
        Path record = dir.resolve(".alchemy/hello/dev/greeting.json");

        assertEquals(List.of(Action.CREATED + " hello/dev/greeting example::Note"), deploy("one", Phase.UP));
        assertEquals("one", Files.readString(note));
        assertTrue(Files.readString(record).contains("\"text\": \"one\""), Files.readString(record));

        assertEquals(List.of(Action.SKIPPED + " hello/dev/greeting example::Note"), deploy("one", Phase.UP));
        assertEquals("one", Files.readString(note));

        assertEquals(List.of(Action.UPDATED + " hello/dev/greeting example::Note"), deploy("two", Phase.UP));
        assertEquals("two", Files.readString(note));

        assertEquals(List.of(Action.DELETED + " hello/dev/greeting example::Note"), deploy("two", Phase.DESTROY));
        assertFalse(Files.exists(note), "the note is deleted");
        assertFalse(Files.exists(record), "its record is deleted");
    }

    @Test
    void mainTakesItsArguments() throws Exception {
        Hello.main(new String[] {dir.toString(), "from main"});
        assertEquals("from main", Files.readString(dir.resolve("hello.txt")));
        Hello.main(new String[] {dir.toString(), "from main", "destroy"});
        assertFalse(Files.exists(dir.resolve("hello.txt")));
    }
}
