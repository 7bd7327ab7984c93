package dev.ballast.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one way every reader of a user's file (snapshots, local cluster files, simulator policies,
 * models and traces, the HPA manifests of {@code import-hpa}) turns bytes into text and text into a
 * Jackson tree, with the same limits: a file is at most a given size (checked before parsing),
 * UTF-8, one document, no repeated key in a mapping, no value longer than {@value #MAX_VALUE_CHARS}
 * characters, no number longer than {@value #MAX_NUMBER_CHARS} digits, no nesting deeper than
 * {@value #MAX_DEPTH}. Every problem is an {@link InvalidDocumentException} whose path is the
 * caller's name for the input (a file name, or {@code snapshot}) and whose problem says where
 * (line) and what to do.
 */
public final class InputDocuments {
  /** The largest cluster file, policy or model file: 1 MiB, far beyond any real one. */
  public static final long MAX_CONFIG_BYTES = 1L << 20;

  /** The largest snapshot: 16 MiB (some ten thousand pods with their metrics). */
  public static final long MAX_SNAPSHOT_BYTES = 16L << 20;

  /** The largest trace: 64 MiB (a month of one-second samples fits). */
  public static final long MAX_TRACE_BYTES = 64L << 20;

  /**
   * The longest value (string or key) in a document, and the longest line of a YAML document, in
   * characters: 256 KiB, as much as Kubernetes allows for all of an object's annotations. The line
   * cap bounds SnakeYAML, whose time grows with the square of a line's length.
   */
  public static final int MAX_VALUE_CHARS = 256 << 10;

  /** The longest number in a document, in characters. */
  public static final int MAX_NUMBER_CHARS = 100;

  /** The deepest nesting of mappings and lists in a document. */
  public static final int MAX_DEPTH = 100;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxStringLength(MAX_VALUE_CHARS)
          .maxNameLength(MAX_VALUE_CHARS)
          .maxNumberLength(MAX_NUMBER_CHARS)
          .maxNestingDepth(MAX_DEPTH)
          .maxDocumentLength(MAX_TRACE_BYTES)
          .build();

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(CONSTRAINTS)
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());
  private static final ObjectMapper YAML = new ObjectMapper(yamlFactory());
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

  /** The syntax of a document. */
  public enum Syntax {
    JSON,
    YAML;

    /** The syntax a file's name suggests: {@code .json} is JSON, anything else YAML. */
    public static Syntax of(Path file) {
      Path name = file.getFileName();
      return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json")
          ? JSON
          : YAML;
    }
  }

  private InputDocuments() {}

  /**
   * The file's text, refused before parsing when it is larger than {@code maxBytes}, not a regular
   * file, or not UTF-8. {@code source} names the input in the message (usually the file).
   */
  public static String readText(Path file, long maxBytes, String source) {
    if (Files.isDirectory(file)) {
      throw new InvalidDocumentException(source, "is a directory; name a file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // Read one byte past the limit: a pipe or a growing file has no trustworthy size.
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (NoSuchFileException e) {
      throw new InvalidDocumentException(source, "no such file");
    } catch (IOException e) {
      throw new InvalidDocumentException(source, "cannot read (" + e.getMessage() + ")");
    }
    if (bytes.length > maxBytes) {
      throw new InvalidDocumentException(
          source,
          "the file is larger than the limit of " + sizeText(maxBytes) + "; is it the right file?");
    }
    return decode(bytes, source);
  }

  /**
   * {@code bytes} as UTF-8 text; malformed UTF-8 is refused with the offset of the first bad byte.
   */
  public static String decode(byte[] bytes, String source) {
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      String text = utf8.decode(in).toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw notText(source, in.position());
    }
  }

  private static InvalidDocumentException notText(String source, int offset) {
    return new InvalidDocumentException(
        source,
        "not UTF-8 text (bad byte at offset "
            + offset
            + "); is it a binary file? Save it as UTF-8 YAML or JSON");
  }

  /** Reads a file as {@link #readText} does and parses it as {@link #parse} does. */
  public static JsonNode read(Path file, Syntax syntax, long maxBytes, String source) {
    return parse(readText(file, maxBytes, source), syntax, source);
  }

  /**
   * Parses one JSON or YAML document into a tree (null for an empty document). A repeated key, a
   * second document, or a value beyond the limits is refused with its line.
   */
  public static JsonNode parse(String text, Syntax syntax, String source) {
    long limit = syntax == Syntax.YAML ? MAX_SNAPSHOT_BYTES : MAX_TRACE_BYTES;
    if (text.length() > limit) {
      throw new InvalidDocumentException(
          source, "the " + syntax + " document is larger than the limit of " + sizeText(limit));
    }
    if (syntax == Syntax.YAML) {
      checkLineLengths(text, source);
    }
    ObjectMapper mapper = syntax == Syntax.JSON ? JSON : YAML;
    try (JsonParser parser = mapper.createParser(text)) {
      try {
        return readOne(mapper, parser, syntax, source);
      } catch (StreamConstraintsException e) {
        // This exception carries no location: the parser knows where it stopped.
        throw new InvalidDocumentException(
            source,
            "too large at line "
                + parser.currentLocation().getLineNr()
                + ": "
                + oneLine(e.getOriginalMessage()).replaceAll(", from `[^`]*`", "")
                + "; "
                + limitsText());
      }
    } catch (InvalidDocumentException e) {
      throw e;
    } catch (JsonProcessingException e) {
      Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
      if (duplicate.lookingAt() && e.getLocation() != null) {
        // The last one would win silently (a second metadata.name would change the identity).
        throw new InvalidDocumentException(
            source,
            "the key '"
                + duplicate.group(1)
                + "' appears twice in one mapping, again at line "
                + e.getLocation().getLineNr()
                + "; keep one");
      }
      throw new InvalidDocumentException(
          source,
          "not valid "
              + syntax
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr())
              + ": "
              + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new InvalidDocumentException(source, "cannot read (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      // SnakeYAML reports some malformed input (and its own limits) with unchecked exceptions.
      throw new InvalidDocumentException(
          source, "not valid " + syntax + ": " + oneLine(String.valueOf(e.getMessage())));
    }
  }

  private static JsonNode readOne(
      ObjectMapper mapper, JsonParser parser, Syntax syntax, String source) throws IOException {
    if (parser.nextToken() == null) {
      return null;
    }
    JsonNode tree = mapper.readTree(parser);
    JsonToken next = parser.nextToken();
    if (next != null && !(syntax == Syntax.YAML && next == JsonToken.VALUE_NULL && end(parser))) {
      throw new InvalidDocumentException(
          source,
          (syntax == Syntax.YAML ? "a second YAML document" : "more content after the JSON value")
              + " at line "
              + parser.currentTokenLocation().getLineNr()
              + "; the file takes exactly one document");
    }
    if (syntax == Syntax.YAML) {
      // Jackson's YAML parser does not apply maxStringLength: checked here as JSON's parser does.
      checkValueLengths(tree, source);
    }
    return tree;
  }

  private static void checkLineLengths(String text, String source) {
    int line = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (i - start > MAX_VALUE_CHARS) {
          throw new InvalidDocumentException(
              source,
              "line "
                  + line
                  + " is longer than the limit of "
                  + MAX_VALUE_CHARS
                  + " characters; break it, or save a one-line JSON document as .json");
        }
        line++;
        start = i + 1;
      }
    }
  }

  private static void checkValueLengths(JsonNode node, String source) {
    if (node.isTextual() && node.textValue().length() > MAX_VALUE_CHARS) {
      throw new InvalidDocumentException(source, "a value is longer than " + limitsText());
    }
    for (var it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().length() > MAX_VALUE_CHARS) {
        throw new InvalidDocumentException(source, "a key is longer than " + limitsText());
      }
      checkValueLengths(e.getValue(), source);
    }
    if (node.isArray()) {
      for (JsonNode e : node) {
        checkValueLengths(e, source);
      }
    }
  }

  /** A trailing empty YAML document ({@code ---} at the end) holds nothing: accepted. */
  private static boolean end(JsonParser parser) throws IOException {
    return parser.nextToken() == null;
  }

  /**
   * A user's text (a key, a path made of keys, a value) as a message shows it: line breaks written
   * as {@code \\n}, at most 80 characters, so that every problem stays one readable line.
   */
  public static String shown(String text) {
    String oneLine = text.replaceAll("\\R", "\\\\n");
    return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
  }

  /** The parser's message on one line: its unindented lines, without source excerpts. */
  static String oneLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\\R")) {
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        parts.add(line.strip());
      }
    }
    String joined = parts.isEmpty() ? message.strip() : String.join("; ", parts);
    // A parser quotes the offending text: keep a line readable even when that text is huge.
    return joined.length() > 300 ? joined.substring(0, 300) + "..." : joined;
  }

  /** The limits in words, for messages and documentation. */
  public static String limitsText() {
    return "the limits: values and YAML lines of at most "
        + MAX_VALUE_CHARS
        + " characters, numbers of at most "
        + MAX_NUMBER_CHARS
        + " digits, nesting at most "
        + MAX_DEPTH
        + " deep";
  }

  /** {@code bytes} in words, e.g. {@code 1 MiB}. */
  public static String sizeText(long bytes) {
    if (bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes % (1L << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }

  private static YAMLFactory yamlFactory() {
    LoaderOptions loader = new LoaderOptions();
    // SnakeYAML's own cap, in code points: the whole document, checked as it is read.
    loader.setCodePointLimit((int) MAX_SNAPSHOT_BYTES);
    // Repeated keys and nesting are checked by Jackson (the constraints and the feature below):
    // it reads SnakeYAML's events, not its composed nodes, so the loader's own checks never run,
    // and an alias reads as its name, never as a copy of what it points to.
    return YAMLFactory.builder()
        .loaderOptions(loader)
        // As new YAMLFactory() does: "key:" with no value is null, not "".
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .streamReadConstraints(CONSTRAINTS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }
}
