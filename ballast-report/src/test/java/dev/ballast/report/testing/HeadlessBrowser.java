package dev.ballast.report.testing;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Test helper: renders an HTML report in headless Chromium, once to read back the DOM after its
 * scripts ran (the report marks {@code <body>} with the charts and points it drew) and once to take
 * a PNG screenshot, whose non-background pixels are counted. Every Chromium run gets a fresh
 * profile directory and a time bound, and is killed with its child processes when it overruns.
 *
 * <p>Fails with a message naming {@code scripts/install-test-tools} when Chromium is missing. The
 * system property {@code ballast.chromium} may name the browser executable.
 */
public final class HeadlessBrowser {
  /** Default bound for one Chromium run. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

  private static final List<String> CANDIDATES =
      List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
  private static final Pattern BODY_TAG = Pattern.compile("<body\\b([^>]*)>", Pattern.DOTALL);
  private static final Pattern SECTION_TAG = Pattern.compile("<section\\b([^>]*)>", Pattern.DOTALL);

  private final Path executable;
  private final Duration timeout;

  private HeadlessBrowser(Path executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  /** Finds Chromium on the {@code PATH} (or the {@code ballast.chromium} property), or fails. */
  public static HeadlessBrowser locate() {
    return locate(DEFAULT_TIMEOUT);
  }

  /** Like {@link #locate()}, with a bound for each Chromium run. */
  public static HeadlessBrowser locate(Duration timeout) {
    String configured = System.getProperty("ballast.chromium");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (Files.isExecutable(p)) {
        return new HeadlessBrowser(p, timeout);
      }
      throw new IllegalStateException(
          "ballast.chromium names '" + configured + "', which is not an executable file");
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String name : CANDIDATES) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return new HeadlessBrowser(candidate, timeout);
        }
      }
    }
    throw new IllegalStateException(
        "headless Chromium is needed to check report.html but none was found on the PATH"
            + " (looked for "
            + String.join(", ", CANDIDATES)
            + "); run scripts/install-test-tools from the repository root to install it");
  }

  /** The browser executable in use. */
  public Path executable() {
    return executable;
  }

  /**
   * Renders {@code html}, writes its screenshot to {@code screenshotPng} (1280×2000 window) and
   * returns what the page reported about its charts and what the screenshot holds.
   */
  public Rendering render(Path html, Path screenshotPng) {
    return render(html, "", screenshotPng);
  }

  /**
   * Like {@link #render(Path, Path)}, opening the page at {@code #fragment} (for example {@code
   * from=1700000000&to=1700086400}, which opens a report zoomed to that window).
   */
  public Rendering render(Path html, String fragment, Path screenshotPng) {
    Path file = html.toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such HTML file: " + file);
    }
    String page = file.toUri() + (fragment.isEmpty() ? "" : "#" + fragment);
    Path png = screenshotPng.toAbsolutePath();
    String dom = run(page, List.of("--dump-dom"), true);
    try {
      Files.deleteIfExists(png);
      Files.createDirectories(png.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(page, List.of("--screenshot=" + png), false);
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException("Chromium did not write the screenshot " + png);
    }
    return Rendering.of(dom, png);
  }

  private String run(String page, List<String> mode, boolean captureStdout) {
    Path profile = null;
    Path out = null;
    Path err = null;
    Process process = null;
    try {
      profile = Files.createTempDirectory("ballast-chromium-profile");
      out = Files.createTempFile("ballast-chromium", ".out");
      err = Files.createTempFile("ballast-chromium", ".err");
      List<String> command = new ArrayList<>();
      command.add(executable.toString());
      command.addAll(
          List.of(
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--disable-quic",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--disable-dev-shm-usage",
              "--hide-scrollbars",
              "--run-all-compositor-stages-before-draw",
              "--virtual-time-budget=5000",
              "--user-data-dir=" + profile,
              "--window-size=1280,2000"));
      command.addAll(mode);
      command.add(page);
      process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new IllegalStateException(
            "Chromium did not finish rendering " + page + " within " + timeout);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "Chromium exited with "
                + process.exitValue()
                + " rendering "
                + page
                + ": "
                + tail(Files.readString(err, StandardCharsets.UTF_8)));
      }
      return captureStdout ? Files.readString(out, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while Chromium rendered " + page, e);
    } finally {
      if (process != null && process.isAlive()) {
        kill(process);
      }
      deleteQuietly(profile);
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(String text) {
    String trimmed = text.strip();
    return trimmed.length() <= 600 ? trimmed : trimmed.substring(trimmed.length() - 600);
  }

  private static void deleteQuietly(Path path) {
    if (path == null || !Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // A leftover temporary file is harmless; the test's outcome does not depend on it.
    }
  }

  /**
   * What one rendering showed: the page's own account of its charts ({@code data-charts-expected},
   * {@code data-charts-drawn}, {@code data-points-drawn} and any script error from {@code <body>})
   * and the screenshot's pixels that differ from its background (the top-left pixel's colour).
   */
  public record Rendering(
      String dom,
      Path screenshot,
      int chartsExpected,
      int chartsDrawn,
      long pointsDrawn,
      Optional<String> scriptError,
      long nonBackgroundPixels,
      long totalPixels) {

    static Rendering of(String dom, Path png) {
      Matcher body = BODY_TAG.matcher(dom);
      String attributes = body.find() ? body.group(1) : "";
      BufferedImage image;
      try {
        image = ImageIO.read(png.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (image == null) {
        throw new IllegalStateException("the screenshot " + png + " is not a readable image");
      }
      int background = image.getRGB(0, 0) & 0xFFFFFF;
      long differing = 0;
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          if ((image.getRGB(x, y) & 0xFFFFFF) != background) {
            differing++;
          }
        }
      }
      return new Rendering(
          dom,
          png,
          (int) number(attributes, "data-charts-expected"),
          (int) number(attributes, "data-charts-drawn"),
          number(attributes, "data-points-drawn"),
          attribute(attributes, "data-report-error"),
          differing,
          (long) image.getWidth() * image.getHeight());
    }

    /**
     * An attribute of the chart whose id is {@code chartId} after the page's scripts ran, for
     * example {@code data-points} or {@code data-view-from} and {@code data-view-to} (the visible
     * time window in epoch seconds).
     */
    public Optional<String> chartAttribute(String chartId, String name) {
      Matcher section = SECTION_TAG.matcher(dom);
      while (section.find()) {
        String attributes = section.group(1);
        if (attribute(attributes, "id").equals(Optional.of(chartId))) {
          return attribute(attributes, name);
        }
      }
      return Optional.empty();
    }

    /** True when every chart the page holds was drawn and no script failed. */
    public boolean allChartsDrawn() {
      return scriptError.isEmpty() && chartsExpected > 0 && chartsDrawn == chartsExpected;
    }

    /** The share of screenshot pixels that are not background, 0..1. */
    public double inkRatio() {
      return totalPixels == 0 ? 0 : (double) nonBackgroundPixels / totalPixels;
    }

    private static long number(String attributes, String name) {
      return attribute(attributes, name).map(Long::parseLong).orElse(-1L);
    }

    private static Optional<String> attribute(String attributes, String name) {
      Matcher m =
          Pattern.compile("(?:^|\\s)" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(attributes);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
  }
}
