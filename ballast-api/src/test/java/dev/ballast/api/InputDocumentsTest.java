package dev.ballast.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.InputDocuments.Syntax;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputDocumentsTest {
  @TempDir Path dir;

  @Test
  void refusesARepeatedYamlKeyNamingItsLine() {
    // given
    String yaml = "metadata:\n  name: a\nspec: {}\nmetadata:\n  name: b\n";

    // when
    var e = assertThrows(InvalidDocumentException.class, () -> parse(yaml, Syntax.YAML));

    // then
    assertTrue(e.problem().contains("line 4"), e.getMessage());
    assertTrue(e.problem().contains("'metadata'"), e.getMessage());
    assertEquals("doc.yaml", e.path());
  }

  @Test
  void refusesARepeatedKeyInANestedJsonObject() {
    // given
    String json = "{\n \"a\": {\n  \"x\": 1,\n  \"x\": 2 }\n}";

    // when
    var e = assertThrows(InvalidDocumentException.class, () -> parse(json, Syntax.JSON));

    // then
    assertTrue(e.problem().contains("line 4"), e.getMessage());
    assertTrue(e.problem().contains("'x'"), e.getMessage());
  }

  @Test
  void refusesASecondYamlDocumentNamingItsLine() {
    // given
    String yaml = "a: 1\nb: 2\n---\na: 3\n";

    // when
    var e = assertThrows(InvalidDocumentException.class, () -> parse(yaml, Syntax.YAML));

    // then
    assertTrue(e.problem().contains("second YAML document at line 4"), e.getMessage());
  }

  @Test
  void refusesContentAfterTheJsonValue() {
    var e = assertThrows(InvalidDocumentException.class, () -> parse("{}\n{}", Syntax.JSON));

    assertTrue(e.problem().contains("line 2"), e.getMessage());
  }

  @Test
  void acceptsDocumentMarkersAroundTheOnlyDocument() {
    // given
    String yaml = "---\na: 1\n---\n";

    // when
    JsonNode tree = parse(yaml, Syntax.YAML);

    // then
    assertEquals(1, tree.get("a").asInt());
  }

  @Test
  void anEmptyDocumentIsNull() {
    assertNull(parse("", Syntax.YAML));
    assertNull(parse("# only a comment\n", Syntax.YAML));
  }

  @Test
  void refusesALongYamlLineBeforeParsingIt() {
    // given: SnakeYAML's time grows with the square of a line's length (8 MiB took a minute)
    String yaml = "a: " + "x".repeat(8 << 20) + "\n";

    // when
    var e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () -> assertThrows(InvalidDocumentException.class, () -> parse(yaml, Syntax.YAML)));

    // then
    assertTrue(e.problem().startsWith("line 1 is longer than the limit of 262144"), e.getMessage());
  }

  @Test
  void refusesAYamlValueLongerThanTheLimitOverSeveralLines() {
    // given
    String yaml =
        "a: |\n" + ("  " + "x".repeat(99) + "\n").repeat(InputDocuments.MAX_VALUE_CHARS / 100 + 1);

    // when
    var e = assertThrows(InvalidDocumentException.class, () -> parse(yaml, Syntax.YAML));

    // then
    assertTrue(e.problem().startsWith("a value is longer than the limits"), e.getMessage());
  }

  @Test
  void refusesAJsonValueLongerThanTheLimit() {
    String json = "{\"a\": \"" + "x".repeat(InputDocuments.MAX_VALUE_CHARS + 1) + "\"}";

    var e = assertThrows(InvalidDocumentException.class, () -> parse(json, Syntax.JSON));

    assertTrue(e.problem().startsWith("too large at line 1"), e.getMessage());
    assertTrue(e.problem().length() < 400, e.getMessage());
  }

  @Test
  void aKeyWithoutValueIsNull() {
    assertTrue(parse("a:\n", Syntax.YAML).get("a").isNull());
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    String json =
        "[".repeat(InputDocuments.MAX_DEPTH + 1) + "]".repeat(InputDocuments.MAX_DEPTH + 1);

    var e = assertThrows(InvalidDocumentException.class, () -> parse(json, Syntax.JSON));

    assertTrue(e.problem().contains("too large"), e.getMessage());
  }

  @Test
  void refusesALongNumber() {
    String yaml = "a: " + "9".repeat(InputDocuments.MAX_NUMBER_CHARS + 1) + "\n";

    var e = assertThrows(InvalidDocumentException.class, () -> parse(yaml, Syntax.YAML));

    assertTrue(e.problem().contains("too large"), e.getMessage());
  }

  @Test
  void refusesAFileOverTheLimitBeforeReadingIt() throws IOException {
    // given: 20 MB, one huge value
    Path big = dir.resolve("big.yaml");
    try (OutputStream out = Files.newOutputStream(big)) {
      out.write("a: ".getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 20 * 16; i++) {
        out.write(chunk);
      }
    }

    // when
    var e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () ->
                assertThrows(
                    InvalidDocumentException.class,
                    () ->
                        InputDocuments.read(
                            big, Syntax.YAML, InputDocuments.MAX_CONFIG_BYTES, "big.yaml")));

    // then
    assertEquals(
        "big.yaml: the file is larger than the limit of 1 MiB; is it the right file?",
        e.getMessage());
  }

  @Test
  void refusesBytesThatAreNotUtf8() throws IOException {
    // given
    Path binary = dir.resolve("cluster.yaml");
    Files.write(binary, new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});

    // when
    var e =
        assertThrows(
            InvalidDocumentException.class,
            () -> InputDocuments.readText(binary, 1024, "cluster.yaml"));

    // then
    assertTrue(e.problem().startsWith("not UTF-8 text (bad byte at offset 3)"), e.getMessage());
  }

  @Test
  void refusesADirectoryAndAMissingFile() {
    var dirError =
        assertThrows(InvalidDocumentException.class, () -> InputDocuments.readText(dir, 1024, "d"));
    var missing =
        assertThrows(
            InvalidDocumentException.class,
            () -> InputDocuments.readText(dir.resolve("none.yaml"), 1024, "none.yaml"));

    assertEquals("d: is a directory; name a file", dirError.getMessage());
    assertEquals("none.yaml: no such file", missing.getMessage());
  }

  @Test
  void readsUtf8WithAByteOrderMark() throws IOException {
    Path file = dir.resolve("bom.yaml");
    Files.write(file, "\uFEFFname: zk-é\n".getBytes(StandardCharsets.UTF_8));

    JsonNode tree = InputDocuments.read(file, Syntax.YAML, 1024, "bom.yaml");

    assertEquals("zk-é", tree.get("name").asText());
  }

  private static JsonNode parse(String text, Syntax syntax) {
    return InputDocuments.parse(text, syntax, "doc.yaml");
  }
}
