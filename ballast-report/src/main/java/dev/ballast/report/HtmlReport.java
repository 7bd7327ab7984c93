package dev.ballast.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One self-contained HTML page (all scripts and styles inline, nothing fetched from the network)
 * with headings, paragraphs, zoomable time-series charts and tables, in the order they were added.
 * Charts are drawn in the browser by the vendored uPlot library; once drawn, the page sets {@code
 * data-charts-drawn} and {@code data-points-drawn} on {@code <body>} so that a test can check it.
 */
public final class HtmlReport {
  /** The uPlot version inlined in every report. */
  public static final String UPLOT_VERSION = "1.6.32";

  private final String title;
  private final String html;
  private final int chartCount;

  private HtmlReport(String title, String html, int chartCount) {
    this.title = title;
    this.html = html;
    this.chartCount = chartCount;
  }

  /** Starts a report. */
  public static Builder builder() {
    return new Builder();
  }

  /** The page's title. */
  public String title() {
    return title;
  }

  /** How many charts the page draws. */
  public int chartCount() {
    return chartCount;
  }

  /** The whole page. */
  public String html() {
    return html;
  }

  /**
   * Writes the page to {@code file} (UTF-8), replacing it atomically where the file system allows,
   * and creates missing parent directories.
   */
  public void writeTo(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    // Not Files.createTempFile: its owner-only permissions would carry over to the report.
    Path tmp = dir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException atomicMoveNotSupported) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Collects the report's content in order; {@link #build()} renders it. */
  public static final class Builder {
    private String title = "Ballast report";
    private ZoneId zone = ZoneId.of("UTC");
    private final List<Object> blocks = new ArrayList<>();

    private Builder() {}

    /** The page title, also shown as the top heading. */
    public Builder title(String title) {
      this.title = Objects.requireNonNull(title, "title");
      return this;
    }

    /** The time zone the charts show times in (default UTC). */
    public Builder timeZone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /** A section heading. */
    public Builder heading(String text) {
      blocks.add(new Heading(Objects.requireNonNull(text, "heading")));
      return this;
    }

    /** A paragraph of text. */
    public Builder paragraph(String text) {
      blocks.add(new Paragraph(Objects.requireNonNull(text, "paragraph")));
      return this;
    }

    /** Preformatted text in a monospace font, for example a command line or a log excerpt. */
    public Builder preformatted(String text) {
      blocks.add(new Preformatted(Objects.requireNonNull(text, "preformatted")));
      return this;
    }

    /** A chart (copied: later changes to {@code chart} do not affect this report). */
    public Builder chart(Chart chart) {
      blocks.add(Objects.requireNonNull(chart, "chart").copy());
      return this;
    }

    /** A table (copied: later changes to {@code table} do not affect this report). */
    public Builder table(Table table) {
      blocks.add(Objects.requireNonNull(table, "table").copy());
      return this;
    }

    /** Renders the page; fails when two charts share an id. */
    public HtmlReport build() {
      Set<String> ids = new HashSet<>();
      int charts = 0;
      StringBuilder body = new StringBuilder(1 << 16);
      for (Object block : blocks) {
        if (block instanceof Heading h) {
          body.append("<h2>").append(Html.escape(h.text())).append("</h2>\n");
        } else if (block instanceof Paragraph p) {
          body.append("<p>").append(Html.escape(p.text())).append("</p>\n");
        } else if (block instanceof Preformatted p) {
          body.append("<pre>").append(Html.escape(p.text())).append("</pre>\n");
        } else if (block instanceof Chart c) {
          if (!ids.add(c.id())) {
            throw new IllegalArgumentException("two charts have the id '" + c.id() + "'");
          }
          ChartHtml.append(body, c);
          charts++;
        } else if (block instanceof Table t) {
          appendTable(body, t);
        }
      }
      StringBuilder page = new StringBuilder(body.length() + 80_000);
      page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .append("<title>")
          .append(Html.escape(title))
          .append("</title>\n<style>\n")
          .append(resource("vendor/uPlot.min.css"))
          .append('\n')
          .append(resource("report.css"))
          .append("</style>\n</head>\n<body data-time-zone=\"")
          .append(Html.escape(zone.getId()))
          .append("\" data-charts-expected=\"")
          .append(charts)
          .append("\" data-charts-drawn=\"0\" data-points-drawn=\"0\">\n<main>\n<h1>")
          .append(Html.escape(title))
          .append("</h1>\n");
      if (charts > 0) {
        page.append(
            "<noscript><p class=\"bad\">The charts need JavaScript (it is inline; nothing is"
                + " fetched from the network).</p></noscript>\n");
      }
      page.append(body).append("</main>\n");
      if (charts > 0) {
        page.append("<script>\n/* uPlot ")
            .append(UPLOT_VERSION)
            .append(", MIT license, (c) Leon Sorokin, https://github.com/leeoniya/uPlot */\n")
            .append(Html.scriptSafe(resource("vendor/uPlot.iife.min.js")))
            .append("\n</script>\n<script>\n")
            .append(Html.scriptSafe(resource("report.js")))
            .append("\n</script>\n");
      }
      page.append("</body>\n</html>\n");
      return new HtmlReport(title, page.toString(), charts);
    }

    private static void appendTable(StringBuilder out, Table t) {
      out.append("<div class=\"table-wrap\"><table>\n");
      if (!t.caption().isEmpty()) {
        out.append("<caption>").append(Html.escape(t.caption())).append("</caption>\n");
      }
      out.append("<thead><tr>");
      for (String h : t.headers()) {
        out.append("<th>").append(Html.escape(h)).append("</th>");
      }
      out.append("</tr></thead>\n<tbody>\n");
      for (List<Table.Cell> row : t.rows()) {
        out.append("<tr>");
        for (Table.Cell cell : row) {
          out.append("<td");
          if (!cell.cssClasses().isBlank()) {
            out.append(" class=\"").append(Html.escape(cell.cssClasses().trim())).append('"');
          }
          out.append('>').append(Html.escape(cell.text())).append("</td>");
        }
        out.append("</tr>\n");
      }
      out.append("</tbody>\n</table></div>\n");
    }
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/ballast/report/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Heading(String text) {}

  private record Paragraph(String text) {}

  private record Preformatted(String text) {}
}
