package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code state diff} between runs, of one run, of one record; past the head is the head. */
class DiffRunsTest {
    @TempDir
    Path dir;

    private static List<String> pointers(JsonNode changes) {
        List<String> out = new ArrayList<>();
        changes.forEach(c -> out.add(c.get("fqn").asText() + c.get("pointer").asText()));
        return out;
    }

    @Test
    void runsArePointsOfTheLog() {
        String store = "fs:" + dir.resolve(".alchemy");
        Cli cli = new Cli();
        Path stack = dir.resolve("s.json");
        String[] versions = {"{\"a\": 1}, \"b\": {\"x\": 1}", "{\"a\": 2}, \"b\": {\"x\": 1}", "{\"a\": 2}, \"b\": {\"x\": 2}"};
        for (String v : versions) {
            String[] parts = v.split(", \"b\": ");
            Cli.write(stack, "{\"app\": \"shop\", \"stage\": \"dev\", \"resources\": ["
                    + "{\"id\": \"one\", \"kind\": \"alchemy::Value\", \"props\": " + parts[0] + "},"
                    + "{\"id\": \"two\", \"kind\": \"alchemy::Value\", \"props\": " + parts[1] + "}]}");
            assertEquals(0, cli.run("deploy", "-f", stack.toString(), "--store", store).code());
        }
        String[] target = {"--store", store, "--app", "shop", "--stage", "dev", "--json"};
        JsonNode runs = cli.run(concat(new String[] {"state", "runs"}, target)).json();
        assertEquals(3, runs.size());
        String second = runs.get(1).get("id").asText();
        String third = runs.get(2).get("id").asText();

        Cli.Result ofRun = cli.run(concat(new String[] {"state", "diff", second.substring(0, 8)}, target));
        assertEquals(0, ofRun.code(), ofRun.toString());
        assertTrue(pointers(ofRun.json()).contains("shop/dev/one/props/a"), ofRun.out());
        assertTrue(pointers(ofRun.json()).stream().noneMatch(p -> p.startsWith("shop/dev/two")),
                "the second run changed only one: " + ofRun.out());

        Cli.Result between = cli.run(concat(new String[] {"state", "diff", runs.get(0).get("id").asText(), third, "--id", "two"}, target));
        assertEquals(0, between.code(), between.toString());
        assertTrue(pointers(between.json()).contains("shop/dev/two/props/x"), between.out());
        assertTrue(pointers(between.json()).stream().allMatch(p -> p.startsWith("shop/dev/two/")), "--id keeps to two: " + between.out());

        long head = runs.get(2).get("to").asLong();
        Cli.Result past = cli.run(concat(new String[] {"state", "diff", "0", "99999"}, target));
        assertEquals(0, past.code(), past.toString());
        assertTrue(past.err().contains("from position 0 to " + head), "clamped to the head: " + past.err());

        Cli.Result alone = cli.run(concat(new String[] {"state", "diff", "3"}, target));
        assertEquals(2, alone.code(), alone.toString());
        assertTrue(alone.err().contains("alone must be a run id"), alone.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
