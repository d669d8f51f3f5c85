package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code state timeline --out FILE.html}, rendered in real headless Chromium. */
class TimelinePageTest {
    @TempDir
    Path dir;

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void thePageShowsEveryRunAndRendersInABrowser() throws Exception {
        Chromium chromium = Chromium.require(dir);
        String store = "fs:" + dir.resolve(".alchemy");
        Cli cli = new Cli().env("ALCHEMY_PASSWORD", "pw").env("API_KEY", "key-that-must-not-show");
        String[] versions = {
                "{\"id\": \"note\", \"kind\": \"alchemy::Value\", \"props\": {\"text\": \"<script>alert(1)</script>\"}},"
                        + "{\"id\": \"api\", \"kind\": \"alchemy::Value\", \"props\": {\"key\": {\"@secretEnv\": \"API_KEY\"}}}",
                "{\"id\": \"note\", \"kind\": \"alchemy::Value\", \"props\": {\"text\": \"</code><b onclick=x>2\"}},"
                        + "{\"id\": \"api\", \"kind\": \"alchemy::Value\", \"props\": {\"key\": {\"@secretEnv\": \"API_KEY\"}}}",
                "{\"id\": \"api\", \"kind\": \"alchemy::Value\", \"props\": {\"key\": {\"@secretEnv\": \"API_KEY\"}}}"};
        for (int i = 0; i < versions.length; i++) {
            Path stack = dir.resolve("v" + i + ".json");
            Cli.write(stack, "{\"app\": \"shop\", \"stage\": \"dev\", \"resources\": [" + versions[i] + "]}");
            Cli.Result r = cli.run("deploy", "-f", stack.toString(), "--store", store);
            assertEquals(0, r.code(), r.toString());
        }
        Cli.Result runs = cli.run("state", "runs", "--store", store, "--app", "shop", "--stage", "dev", "--json");
        JsonNode list = runs.json();
        assertEquals(3, list.size(), runs.out());

        Path page = dir.resolve("timeline.html");
        Cli.Result written = cli.run("state", "timeline", "--out", page.toString(), "--store", store,
                "--app", "shop", "--stage", "dev");
        assertEquals(0, written.code(), written.toString());
        String html = Files.readString(page);
        assertFalse(html.contains("key-that-must-not-show"), "no secret in the page");
        assertFalse(html.contains("<script>alert"), "state text is escaped");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "nothing is fetched");

        String dom = chromium.dom(page);
        assertEquals(3, count(dom, "<details class=\"run [a-z]+\" id=\"run-"), "every run is on the page");
        for (JsonNode r : list) {
            assertTrue(dom.contains("data-run=\"" + r.get("id").asText() + "\""), "run " + r.get("id") + " is shown");
        }
        assertEquals(1, count(dom, "<script"), "the page's own script is the only one: state cannot add one");
        assertEquals(0, count(dom, "<b onclick"), "nor an element");
        assertTrue(dom.contains("shop/dev/note") && dom.contains("shop/dev/api"), "each resource's history is there");
        assertTrue(dom.contains("match the log"), "the snapshots are checked against the log");

        BufferedImage shot = chromium.screenshot(page, dir.resolve("timeline.png"));
        assertEquals(1200, shot.getWidth());
        assertTrue(Chromium.colours(shot) > 20, "the screenshot is not blank: " + Chromium.colours(shot) + " colours");
    }
}
