package dev.ballast.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table for an {@link HtmlReport}: a header row, rows of text cells and an optional caption. A
 * cell may carry CSS classes; the report styles {@code num} (right-aligned figures), {@code good},
 * {@code bad}, {@code warn} and {@code muted}. All text is HTML-escaped.
 */
public final class Table {
  private static final Pattern CSS_CLASSES = Pattern.compile("[A-Za-z0-9_ -]*");

  private final List<String> headers;
  private final List<List<Cell>> rows = new ArrayList<>();
  private String caption = "";

  private Table(List<String> headers) {
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one header");
    }
    headers.forEach(h -> Objects.requireNonNull(h, "header"));
    this.headers = List.copyOf(headers);
  }

  /** A table with these column headers. */
  public static Table withHeaders(String... headers) {
    return new Table(Arrays.asList(headers));
  }

  /** A table with these column headers. */
  public static Table withHeaders(List<String> headers) {
    return new Table(headers);
  }

  /** A cell showing {@code text} with the given CSS classes (space separated, may be empty). */
  public static Cell cell(String text, String cssClasses) {
    return new Cell(text, cssClasses);
  }

  /** A short text shown above the table. */
  public Table caption(String text) {
    this.caption = Objects.requireNonNull(text, "caption");
    return this;
  }

  /** Adds a row of plain cells; it must have one cell per header. */
  public Table row(String... cells) {
    return row(Arrays.stream(cells).map(c -> new Cell(c, "")).toList());
  }

  /** Adds a row of cells (with their CSS classes); it must have one cell per header. */
  public Table row(Cell... cells) {
    return row(Arrays.asList(cells));
  }

  /** Adds a row of cells (with their CSS classes); it must have one cell per header. */
  public Table row(List<Cell> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row "
              + (rows.size() + 1)
              + " has "
              + cells.size()
              + " cells but the table has "
              + headers.size()
              + " columns");
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  Table copy() {
    Table t = new Table(headers);
    t.caption = caption;
    t.rows.addAll(rows);
    return t;
  }

  List<String> headers() {
    return headers;
  }

  List<List<Cell>> rows() {
    return List.copyOf(rows);
  }

  String caption() {
    return caption;
  }

  /** One table cell: its text and CSS classes (letters, digits, {@code _}, {@code -}, spaces). */
  public record Cell(String text, String cssClasses) {
    public Cell {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(cssClasses, "cssClasses");
      if (!CSS_CLASSES.matcher(cssClasses).matches()) {
        throw new IllegalArgumentException(
            "CSS classes may hold only letters, digits, '_', '-' and spaces, was '"
                + cssClasses
                + "'");
      }
    }
  }
}
