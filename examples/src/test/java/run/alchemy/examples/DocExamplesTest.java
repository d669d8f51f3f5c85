package run.alchemy.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ```java} block of README.md and docs/*.md is a region of a compiled source of this
 * module ({@code // region NAME} … {@code // endregion}), identical but for leading indentation, so
 * that the documentation cannot drift from code the build compiles and the tests run. Every region
 * is shown somewhere, too.
 */
class DocExamplesTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java[ \\t]*\\n(.*?)^```[ \\t]*$", Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile(
            "(?m)^[ \\t]*// region ([\\w-]+)[ \\t]*\\n(.*?)^[ \\t]*// endregion[ \\t]*$", Pattern.DOTALL);

    private static Path root() {
        return Path.of(System.getProperty("examples.repository.root", "..")).toAbsolutePath().normalize();
    }

    private static Path sources() {
        return Path.of(System.getProperty("examples.sources", "src")).toAbsolutePath().normalize();
    }

    /** The Markdown files checked: README.md and every docs/*.md. */
    static List<Path> documents(Path root) {
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** The ```java blocks of a Markdown text, normalised. */
    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(normalise(m.group(1)));
        }
        return blocks;
    }

    /** The regions of a Java source, by name, normalised. */
    static Map<String, String> regions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = REGION.matcher(source);
        while (m.find()) {
            regions.put(m.group(1), normalise(m.group(2)));
        }
        return regions;
    }

    /** Without the indentation the lines share, trailing blanks, and blank lines at either end. */
    static String normalise(String text) {
        List<String> lines = new ArrayList<>(text.replace("\r\n", "\n").lines().map(l -> l.stripTrailing()).toList());
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int indent = lines.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList());
    }

    static Map<String, String> allRegions(Path sources) {
        Map<String, String> all = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(sources)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                regions(Files.readString(p)).forEach((name, text) -> {
                    if (all.put(name, text) != null) {
                        fail("region " + name + " is defined twice (again in " + p + ")");
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** The problems of the documents against the regions: blocks that match no region. */
    static List<String> mismatches(Map<Path, String> documents, Map<String, String> regions) {
        List<String> problems = new ArrayList<>();
        documents.forEach((doc, text) -> {
            List<String> blocks = javaBlocks(text);
            for (int i = 0; i < blocks.size(); i++) {
                if (!regions.containsValue(blocks.get(i))) {
                    String first = blocks.get(i).lines().findFirst().orElse("");
                    problems.add(doc.getFileName() + ": java block " + (i + 1) + " (\"" + first
                            + "\") is no region of a source in examples/src");
                }
            }
        });
        return problems;
    }

    @Test
    void everyJavaBlockOfTheDocsIsACompiledRegion() throws IOException {
        Map<Path, String> docs = new LinkedHashMap<>();
        for (Path p : documents(root())) {
            docs.put(p, Files.readString(p));
        }
        Map<String, String> regions = allRegions(sources());
        assertTrue(regions.containsKey("readme-example"), regions.keySet().toString());
        int blocks = docs.values().stream().mapToInt(t -> javaBlocks(t).size()).sum();
        assertTrue(blocks >= 1, "no java block found in " + docs.keySet());
        assertEquals(List.of(), mismatches(docs, regions));

        List<String> shown = docs.values().stream().flatMap(t -> javaBlocks(t).stream()).toList();
        regions.forEach((name, text) -> assertTrue(shown.contains(text), "region " + name + " is shown in no document"));
    }

    @Test
    void theReadmeShowsTheProgramAsCompiled() throws IOException {
        List<String> blocks = javaBlocks(Files.readString(root().resolve("README.md")));
        String program = allRegions(sources()).get("readme-example");
        assertTrue(blocks.contains(program), "README.md must show examples/src/main/java/run/alchemy/examples/Hello.java");
        assertTrue(program.startsWith("package run.alchemy.examples;"), "the README's example is a whole file, with its imports");
    }

    @Test
    void anEditedBlockFails() {
        Map<String, String> regions = regions("""
                class A {
                    void f() {
                        %% region one
                        int x = 1;
                        if (x > 0) {
                            x++;
                        }
                        %% endregion
                    }
                }
                """.replace("%%", "//")); // (spelt %% here, or the scan of this module's sources would find it)
        assertEquals("int x = 1;\nif (x > 0) {\n    x++;\n}", regions.get("one"));
        String same = "text\n\n```java\n  int x = 1;\n  if (x > 0) {\n      x++;\n  }\n```\n";
        assertEquals(List.of(), mismatches(Map.of(Path.of("same.md"), same), regions));
        String edited = same.replace("x++", "x--");
        assertEquals(List.of("edited.md: java block 1 (\"int x = 1;\") is no region of a source in examples/src"),
                mismatches(Map.of(Path.of("edited.md"), edited), regions));
        String other = "```sh\nnot java\n```\n";
        assertEquals(List.of(), mismatches(Map.of(Path.of("other.md"), other), regions));
        assertFalse(javaBlocks(same).isEmpty());
    }
}
