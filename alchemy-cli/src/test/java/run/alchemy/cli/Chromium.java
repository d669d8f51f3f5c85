package run.alchemy.cli;

import org.junit.jupiter.api.Assumptions;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Real headless Chromium (Debian's {@code chromium}), for pages the command writes: the DOM after
 * the page's scripts ran, and a screenshot. Without it the test is skipped, saying why; with
 * {@code ALCHEMY_REQUIRE_BROWSER=1} (set by {@code .ci/run}, which installs it) it fails instead.
 */
final class Chromium {
    private final Path binary;
    private final Path profile;

    private Chromium(Path binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    static Chromium require(Path scratch) {
        for (String name : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(name))) {
                return new Chromium(Path.of(name), scratch.resolve("chromium-profile"));
            }
        }
        String why = "chromium is not installed: the page test renders in real headless Chromium"
                + " (apt-get install chromium; .ci/run installs it)";
        if ("1".equals(System.getenv("ALCHEMY_REQUIRE_BROWSER"))) {
            throw new IllegalStateException(why + " [ALCHEMY_REQUIRE_BROWSER=1]");
        }
        System.err.println("SKIPPED: " + why);
        Assumptions.abort(why);
        return null;
    }

    /** The serialized DOM of {@code page} once loaded and its scripts ran. */
    String dom(Path page) throws IOException, InterruptedException {
        return new String(run("--dump-dom", page.toUri().toString()), StandardCharsets.UTF_8);
    }

    /** A PNG screenshot of {@code page} at 1200×900. */
    BufferedImage screenshot(Path page, Path png) throws IOException, InterruptedException {
        run("--screenshot=" + png, "--window-size=1200,900", page.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        if (image == null) {
            throw new AssertionError("chromium wrote no readable PNG at " + png);
        }
        return image;
    }

    /** How many distinct colours the image has: 1 for a blank page. */
    static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    private byte[] run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("chromium", ".log");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("chromium failed (" + String.join(" ", command) + "):\n" + Files.readString(err));
        }
        Files.deleteIfExists(err);
        return out;
    }
}
