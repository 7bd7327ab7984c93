package dev.ballast.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A time-series line chart for an {@link HtmlReport}: named line or step series over time (epoch
 * seconds), an optional horizontal target line, vertical markers and shaded spans (for example
 * scaling operations), zoomable on the time axis. Built fluently; {@link HtmlReport.Builder#chart}
 * takes a copy, so a chart may be changed and added again.
 */
public final class Chart {
  private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

  private final String id;
  private final String title;
  private String description = "";
  private String yLabel = "";
  private String unit = "";
  private Double yMin;
  private Double yMax;
  private int height = 280;
  private String syncGroup = "time";
  private int maxPointsPerSeries = 0;
  private Target target;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private final List<Span> spans = new ArrayList<>();

  private Chart(String id, String title) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "chart id must match " + ID.pattern() + " (it becomes an HTML id), was '" + id + "'");
    }
    this.id = id;
    this.title = Objects.requireNonNull(title, "title");
  }

  /** A chart with time (epoch seconds) on the x axis; {@code id} must be unique in its report. */
  public static Chart timeSeries(String id, String title) {
    return new Chart(id, title);
  }

  /** A short text shown under the title. */
  public Chart description(String text) {
    this.description = Objects.requireNonNull(text, "description");
    return this;
  }

  /** The y axis label, for example {@code "requests per second"}. */
  public Chart yLabel(String label) {
    this.yLabel = Objects.requireNonNull(label, "yLabel");
    return this;
  }

  /** The unit of the y values, shown on the axis label and after legend values. */
  public Chart unit(String unit) {
    this.unit = Objects.requireNonNull(unit, "unit");
    return this;
  }

  /** Fixes the bottom of the y axis (for example 0); otherwise it follows the visible data. */
  public Chart yMin(double min) {
    this.yMin = finite(min, "yMin");
    return this;
  }

  /** Fixes the top of the y axis; otherwise it follows the visible data. */
  public Chart yMax(double max) {
    this.yMax = finite(max, "yMax");
    return this;
  }

  /** The plot height in CSS pixels (default 280). */
  public Chart height(int pixels) {
    if (pixels < 80 || pixels > 2000) {
      throw new IllegalArgumentException("chart height must be 80..2000 px, was " + pixels);
    }
    this.height = pixels;
    return this;
  }

  /**
   * Charts with the same group (default {@code "time"}) share the cursor and the time zoom; give a
   * chart its own group name when its time axis is unrelated to the others.
   */
  public Chart syncGroup(String group) {
    this.syncGroup = Objects.requireNonNull(group, "syncGroup");
    return this;
  }

  /**
   * Reduces each series to at most about {@code maxPoints} points by keeping the minimum and the
   * maximum of each time bucket (so peaks survive); 0 (the default) keeps every point. The library
   * draws 40,000+ points per series quickly, so this only matters for the page's size.
   */
  public Chart maxPointsPerSeries(int maxPoints) {
    if (maxPoints != 0 && maxPoints < 100) {
      throw new IllegalArgumentException(
          "maxPointsPerSeries must be 0 (keep all) or >= 100, was " + maxPoints);
    }
    this.maxPointsPerSeries = maxPoints;
    return this;
  }

  /**
   * Adds a series drawn as straight lines between points. {@code epochSeconds} must not decrease; a
   * {@code NaN} value leaves a gap. The arrays are copied.
   */
  public Chart series(String name, long[] epochSeconds, double[] values) {
    return add(name, false, epochSeconds, values);
  }

  /**
   * Adds a series drawn as steps: each value holds until the next point (for example a replica
   * count). Same rules as {@link #series}.
   */
  public Chart stepSeries(String name, long[] epochSeconds, double[] values) {
    return add(name, true, epochSeconds, values);
  }

  /** Sets the CSS colour (for example {@code "#d62728"}) of the series named {@code name}. */
  public Chart seriesColor(String name, String cssColor) {
    Objects.requireNonNull(cssColor, "cssColor");
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      if (s.name().equals(name)) {
        series.set(i, new Series(s.name(), s.step(), s.times(), s.values(), cssColor));
        return this;
      }
    }
    throw new IllegalArgumentException("chart '" + id + "' has no series named '" + name + "'");
  }

  /** Draws a dashed horizontal line at {@code value} labelled {@code label}, for a target. */
  public Chart targetLine(double value, String label) {
    this.target = new Target(finite(value, "target"), Objects.requireNonNull(label, "label"));
    return this;
  }

  /** Draws a vertical line at {@code epochSecond} with a label at the top of the plot. */
  public Chart marker(long epochSecond, String label) {
    markers.add(new Marker(epochSecond, Objects.requireNonNull(label, "label")));
    return this;
  }

  /**
   * Shades the time span {@code [fromEpochSecond, toEpochSecond]} with a label at the top, for
   * example an operation {@code "3→5 add member 3, JOIN 12s"}.
   */
  public Chart span(long fromEpochSecond, long toEpochSecond, String label) {
    if (toEpochSecond < fromEpochSecond) {
      throw new IllegalArgumentException(
          "span end " + toEpochSecond + " is before its start " + fromEpochSecond);
    }
    spans.add(new Span(fromEpochSecond, toEpochSecond, Objects.requireNonNull(label, "label")));
    return this;
  }

  private Chart add(String name, boolean step, long[] times, double[] values) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(times, "epochSeconds");
    Objects.requireNonNull(values, "values");
    if (times.length != values.length) {
      throw new IllegalArgumentException(
          "series '" + name + "' has " + times.length + " times but " + values.length + " values");
    }
    for (int i = 1; i < times.length; i++) {
      if (times[i] < times[i - 1]) {
        throw new IllegalArgumentException(
            "series '" + name + "' goes back in time at index " + i + ": times must not decrease");
      }
    }
    for (Series s : series) {
      if (s.name().equals(name)) {
        throw new IllegalArgumentException(
            "chart '" + id + "' already has a series '" + name + "'");
      }
    }
    series.add(new Series(name, step, times.clone(), values.clone(), null));
    return this;
  }

  private static double finite(double value, String field) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(field + " must be a finite number, was " + value);
    }
    return value;
  }

  Chart copy() {
    Chart c = new Chart(id, title);
    c.description = description;
    c.yLabel = yLabel;
    c.unit = unit;
    c.yMin = yMin;
    c.yMax = yMax;
    c.height = height;
    c.syncGroup = syncGroup;
    c.maxPointsPerSeries = maxPointsPerSeries;
    c.target = target;
    c.series.addAll(series);
    c.markers.addAll(markers);
    c.spans.addAll(spans);
    return c;
  }

  String id() {
    return id;
  }

  String title() {
    return title;
  }

  String description() {
    return description;
  }

  String yLabel() {
    return yLabel;
  }

  String unit() {
    return unit;
  }

  Double yMinOrNull() {
    return yMin;
  }

  Double yMaxOrNull() {
    return yMax;
  }

  int height() {
    return height;
  }

  String syncGroup() {
    return syncGroup;
  }

  int maxPointsPerSeries() {
    return maxPointsPerSeries;
  }

  Target targetOrNull() {
    return target;
  }

  List<Series> seriesList() {
    return List.copyOf(series);
  }

  List<Marker> markers() {
    return List.copyOf(markers);
  }

  List<Span> spans() {
    return List.copyOf(spans);
  }

  record Series(String name, boolean step, long[] times, double[] values, String color) {}

  record Target(double value, String label) {}

  record Marker(long time, String label) {}

  record Span(long from, long to, String label) {}
}
