package dev.ballast.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void refusesARowWithTheWrongNumberOfCells() {
    // given
    Table table = Table.withHeaders("a", "b");

    // when / then
    assertThatThrownBy(() -> table.row("only one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has 1 cells but the table has 2 columns");
  }

  @Test
  void refusesCssClassesThatCouldBreakOutOfTheAttribute() {
    assertThatThrownBy(() -> Table.cell("x", "bad\" onclick=\"x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CSS classes");
  }

  @Test
  void rendersCellClassesAndPlainCells() {
    // given
    Table table =
        Table.withHeaders("policy", "minutes")
            .row(Table.cell("hpa", "bad"), Table.cell("12", "num warn"))
            .row("fixed", "0");

    // when
    String html = HtmlReport.builder().table(table).build().html();

    // then
    assertThat(html).contains("<tr><td class=\"bad\">hpa</td><td class=\"num warn\">12</td></tr>");
    assertThat(html).contains("<tr><td>fixed</td><td>0</td></tr>");
  }

  @Test
  void refusesATableWithoutHeaders() {
    assertThatThrownBy(Table::withHeaders).hasMessageContaining("at least one header");
  }
}
