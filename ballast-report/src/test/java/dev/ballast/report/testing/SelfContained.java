package dev.ballast.report.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: finds what in an HTML page would make a browser fetch something from elsewhere, an
 * element attribute ({@code src}, {@code href}, {@code action}, {@code srcset}, {@code poster},
 * {@code data}) or a CSS {@code url(...)} or {@code @import} that names a network or file location.
 * A URL in a comment or a string (a licence header, say) loads nothing and is not reported; in-page
 * anchors ({@code #id}) and {@code data:} URIs are fine.
 */
public final class SelfContained {
  private static final Pattern ATTRIBUTE =
      Pattern.compile(
          "<[a-zA-Z][^<>]*?\\s(src|href|action|srcset|poster|data)\\s*=\\s*[\"']?([^\"'\\s>]*)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern CSS_URL =
      Pattern.compile("url\\(\\s*[\"']?([^\"')\\s]*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern CSS_IMPORT =
      Pattern.compile("@import\\s+[^;]*", Pattern.CASE_INSENSITIVE);

  private SelfContained() {}

  /** Every reference in {@code html} that a browser would fetch, in order; empty when none. */
  public static List<String> externalReferences(String html) {
    List<String> found = new ArrayList<>();
    Matcher a = ATTRIBUTE.matcher(html);
    while (a.find()) {
      if (!local(a.group(2))) {
        found.add(a.group(1) + "=" + a.group(2));
      }
    }
    Matcher u = CSS_URL.matcher(html);
    while (u.find()) {
      if (!local(u.group(1))) {
        found.add("url(" + u.group(1) + ")");
      }
    }
    Matcher i = CSS_IMPORT.matcher(html);
    while (i.find()) {
      found.add(i.group());
    }
    return found;
  }

  private static boolean local(String reference) {
    return reference.isEmpty() || reference.startsWith("#") || reference.startsWith("data:");
  }
}
