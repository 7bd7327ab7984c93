package dev.ballast.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders one {@link Chart} as an HTML section holding its data as JSON; the page's script draws
 * it. Series sharing the same times are sent as one table, the browser aligns the tables.
 */
final class ChartHtml {
  private static final MathContext SIX_DIGITS = new MathContext(6);

  private ChartHtml() {}

  static void append(StringBuilder out, Chart chart) {
    String id = chart.id();
    out.append("<section class=\"chart\" id=\"").append(id).append("\">\n<h3>");
    out.append(Html.escape(chart.title())).append("</h3>\n");
    if (!chart.description().isEmpty()) {
      out.append("<p class=\"chart-description\">")
          .append(Html.escape(chart.description()))
          .append("</p>\n");
    }
    out.append(
        "<div class=\"toolbar\"><button type=\"button\" data-range=\"all\">all</button>"
            + "<button type=\"button\" data-range=\"86400\">1 day</button>"
            + "<button type=\"button\" data-range=\"3600\">1 hour</button>"
            + "<button type=\"button\" data-pan=\"-1\" title=\"earlier\">&#9664;</button>"
            + "<button type=\"button\" data-pan=\"1\" title=\"later\">&#9654;</button>"
            + "<span class=\"hint\">drag across the plot to zoom, double-click to reset</span>"
            + "</div>\n<div class=\"plot\"></div>\n");
    out.append("<script type=\"application/json\" class=\"chart-spec\">");
    appendSpec(out, chart);
    out.append("</script>\n</section>\n");
  }

  private static void appendSpec(StringBuilder out, Chart chart) {
    out.append("{\"id\":");
    Html.appendJsonString(out, chart.id());
    out.append(",\"yLabel\":");
    Html.appendJsonString(out, chart.yLabel());
    out.append(",\"unit\":");
    Html.appendJsonString(out, chart.unit());
    out.append(",\"yMin\":").append(number(chart.yMinOrNull()));
    out.append(",\"yMax\":").append(number(chart.yMaxOrNull()));
    out.append(",\"height\":").append(chart.height());
    out.append(",\"group\":");
    Html.appendJsonString(out, chart.syncGroup());
    out.append(",\"target\":");
    Chart.Target target = chart.targetOrNull();
    if (target == null) {
      out.append("null");
    } else {
      out.append("{\"value\":").append(number(target.value())).append(",\"label\":");
      Html.appendJsonString(out, target.label());
      out.append('}');
    }

    List<Chart.Series> series = new ArrayList<>();
    for (Chart.Series s : chart.seriesList()) {
      series.add(downsample(s, chart.maxPointsPerSeries()));
    }
    out.append(",\"series\":[");
    long points = 0;
    for (int i = 0; i < series.size(); i++) {
      Chart.Series s = series.get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"name\":");
      Html.appendJsonString(out, s.name());
      out.append(",\"step\":").append(s.step()).append(",\"color\":");
      if (s.color() == null) {
        out.append("null");
      } else {
        Html.appendJsonString(out, s.color());
      }
      out.append('}');
      for (double v : s.values()) {
        if (!Double.isNaN(v)) {
          points++;
        }
      }
    }
    out.append("],\"points\":").append(points);

    // Group series with identical times into one table; "columns" maps each series, in the
    // order it was added, to its column in the browser's joined data (column 0 is time).
    List<List<Integer>> groups = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      boolean placed = false;
      for (List<Integer> g : groups) {
        if (Arrays.equals(series.get(g.get(0)).times(), series.get(i).times())) {
          g.add(i);
          placed = true;
          break;
        }
      }
      if (!placed) {
        groups.add(new ArrayList<>(List.of(i)));
      }
    }
    int[] columns = new int[series.size()];
    int next = 1;
    for (List<Integer> g : groups) {
      for (int i : g) {
        columns[i] = next++;
      }
    }
    out.append(",\"columns\":").append(Arrays.toString(columns).replace(" ", ""));
    out.append(",\"tables\":[");
    for (int gi = 0; gi < groups.size(); gi++) {
      List<Integer> g = groups.get(gi);
      if (gi > 0) {
        out.append(',');
      }
      out.append("[[");
      long[] times = series.get(g.get(0)).times();
      for (int k = 0; k < times.length; k++) {
        if (k > 0) {
          out.append(',');
        }
        out.append(times[k]);
      }
      out.append(']');
      for (int i : g) {
        out.append(",[");
        double[] values = series.get(i).values();
        for (int k = 0; k < values.length; k++) {
          if (k > 0) {
            out.append(',');
          }
          out.append(Double.isNaN(values[k]) ? "null" : number(values[k]));
        }
        out.append(']');
      }
      out.append(']');
    }
    out.append("],\"markers\":[");
    List<Chart.Marker> markers = chart.markers();
    for (int i = 0; i < markers.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append('[').append(markers.get(i).time()).append(',');
      Html.appendJsonString(out, markers.get(i).label());
      out.append(']');
    }
    out.append("],\"spans\":[");
    List<Chart.Span> spans = chart.spans();
    for (int i = 0; i < spans.size(); i++) {
      Chart.Span s = spans.get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append('[').append(s.from()).append(',').append(s.to()).append(',');
      Html.appendJsonString(out, s.label());
      out.append(']');
    }
    out.append("]}");
  }

  /**
   * Min/max decimation: splits the series into buckets of equal point count and keeps, in time
   * order, each bucket's first point, its lowest and highest values, and a gap when it has one, so
   * that peaks and dips survive; the last point is always kept.
   */
  static Chart.Series downsample(Chart.Series s, int maxPoints) {
    int n = s.times().length;
    if (maxPoints == 0 || n <= maxPoints) {
      return s;
    }
    int bucket = (int) Math.ceil(n / (maxPoints / 3.0));
    List<Integer> keep = new ArrayList<>();
    for (int start = 0; start < n; start += bucket) {
      int end = Math.min(n, start + bucket);
      int min = -1;
      int max = -1;
      int gap = -1;
      for (int k = start; k < end; k++) {
        double v = s.values()[k];
        if (Double.isNaN(v)) {
          gap = gap < 0 ? k : gap;
        } else {
          min = min < 0 || v < s.values()[min] ? k : min;
          max = max < 0 || v > s.values()[max] ? k : max;
        }
      }
      int[] picks = {start, min, max, gap};
      Arrays.sort(picks);
      for (int p : picks) {
        if (p >= 0 && (keep.isEmpty() || keep.get(keep.size() - 1) != p)) {
          keep.add(p);
        }
      }
    }
    if (keep.get(keep.size() - 1) != n - 1) {
      keep.add(n - 1);
    }
    long[] times = new long[keep.size()];
    double[] values = new double[keep.size()];
    for (int i = 0; i < keep.size(); i++) {
      times[i] = s.times()[keep.get(i)];
      values[i] = s.values()[keep.get(i)];
    }
    return new Chart.Series(s.name(), s.step(), times, values, s.color());
  }

  /** A compact JSON number with at most six significant digits; {@code null} for null. */
  static String number(Double value) {
    if (value == null) {
      return "null";
    }
    double v = value;
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (Double.isInfinite(v)) {
      return "null";
    }
    return new BigDecimal(v).round(SIX_DIGITS).stripTrailingZeros().toString();
  }
}
