package dev.ballast.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A build step run after the fabric8 crd-generator (which sorts printer columns by JSON path and
 * has no option to keep them as declared): puts the {@code additionalPrinterColumns} of a generated
 * CRD back in the order of the resource class's {@link AdditionalPrinterColumn} annotations, so
 * that {@code kubectl get sas} reads like {@code kubectl get hpa}. Only that list moves; every
 * other byte of the generated file stays as the generator wrote it.
 */
public final class PrinterColumnOrder {
  private static final Pattern LIST = Pattern.compile("^(\\s*)(- )?additionalPrinterColumns:$");
  private static final Pattern JSON_PATH = Pattern.compile("jsonPath: \"([^\"]*)\"");

  private PrinterColumnOrder() {}

  /**
   * Reorders, in place, the file {@code args[1]} by the annotations of class {@code args[0]}.
   *
   * @throws Exception when the class or the file cannot be read, or a declared column is missing
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: PrinterColumnOrder RESOURCE_CLASS CRD_YAML");
    }
    Class<?> resource = Class.forName(args[0]);
    Path file = Path.of(args[1]);
    String before = Files.readString(file, StandardCharsets.UTF_8);
    String after = reorder(before, declared(resource));
    if (!after.equals(before)) {
      Files.writeString(file, after, StandardCharsets.UTF_8);
    }
  }

  /** The JSON paths of {@code resource}'s printer columns, in declaration order. */
  public static List<String> declared(Class<?> resource) {
    List<String> out = new ArrayList<>();
    for (AdditionalPrinterColumn c : resource.getAnnotationsByType(AdditionalPrinterColumn.class)) {
      out.add(c.jsonPath());
    }
    return out;
  }

  /**
   * {@code yaml} with each {@code additionalPrinterColumns} list in the order of {@code jsonPaths}
   * (columns not named there keep their order, after the named ones).
   *
   * @throws IOException when a named column is not in a list
   */
  public static String reorder(String yaml, List<String> jsonPaths) throws IOException {
    boolean trailingNewline = yaml.endsWith("\n");
    List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
    if (trailingNewline) {
      lines.remove(lines.size() - 1);
    }
    List<String> out = new ArrayList<>(lines.size());
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      out.add(line);
      i++;
      Matcher m = LIST.matcher(line);
      if (!m.matches() || i >= lines.size()) {
        continue;
      }
      // The list's items start at the indentation of the first one, "- " included.
      String first = lines.get(i);
      String indent = first.substring(0, first.indexOf("- "));
      Map<String, List<String>> items = new LinkedHashMap<>();
      while (i < lines.size() && lines.get(i).startsWith(indent + "- ")) {
        List<String> item = new ArrayList<>();
        item.add(lines.get(i++));
        while (i < lines.size() && lines.get(i).startsWith(indent + "  ")) {
          item.add(lines.get(i++));
        }
        items.put(jsonPath(item), item);
      }
      for (String path : jsonPaths) {
        List<String> item = items.remove(path);
        if (item == null) {
          throw new IOException("printer column " + path + " is not in the generated CRD");
        }
        out.addAll(item);
      }
      items.values().forEach(out::addAll);
    }
    return String.join("\n", out) + (trailingNewline ? "\n" : "");
  }

  private static String jsonPath(List<String> item) throws IOException {
    for (String line : item) {
      Matcher m = JSON_PATH.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new IOException("printer column without a jsonPath: " + item);
  }
}
