package dev.ballast.report.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelfContainedTest {

  @Test
  void aUrlInACommentOrStringLoadsNothing() {
    String html =
        "<html><body><a href=\"#decisions\">x</a><img src=\"data:image/png;base64,AA\">"
            + "<script>/* (c) someone, https://example.org/project */ var s = 'http://x';"
            + "</script></body></html>";

    assertThat(SelfContained.externalReferences(html)).isEmpty();
  }

  @Test
  void findsScriptsStylesImagesAndCssThatComeFromElsewhere() {
    String html =
        "<html><head><script src=\"https://cdn.example/u.js\"></script>"
            + "<link rel=stylesheet href=style.css>"
            + "<style>@import 'more.css'; body { background: url(http://x/y.png) }</style>"
            + "</head><body><img alt='a' src='pic.png'></body></html>";

    assertThat(SelfContained.externalReferences(html))
        .containsExactly(
            "src=https://cdn.example/u.js",
            "href=style.css",
            "src=pic.png",
            "url(http://x/y.png)",
            "@import 'more.css'");
  }
}
