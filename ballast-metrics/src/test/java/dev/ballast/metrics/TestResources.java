package dev.ballast.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads captured samples stored beside the tests. */
final class TestResources {
  private TestResources() {}

  static String text(String name) throws IOException {
    try (InputStream in = TestResources.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
