package dev.ballast.members.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The conditions hooks test on JSON answers, as a table. */
class HookConditionTest {
  private static final String ANSWER =
      "{\"remaining\": 3, \"state\": \"draining\", \"nodes\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
          + " \"chunks\": [{\"id\": 7, \"status\": \"CHUNK_STATUS_SESSION_EXPIRED\"}]}";

  record Case(String name, HookCondition condition, boolean passes, String actual) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "equals text", c("$.state", HookCondition.Op.EQUALS, "draining"), true, "draining"),
        new Case(
            "equals other text",
            c("$.state", HookCondition.Op.EQUALS, "drained"),
            false,
            "draining"),
        new Case("equals number", c("$.remaining", HookCondition.Op.EQUALS, "3"), true, "3"),
        new Case(
            "less than, not yet", c("$.remaining", HookCondition.Op.LESS_THAN, "1"), false, "3"),
        new Case("less than", c("$.remaining", HookCondition.Op.LESS_THAN, "4"), true, "3"),
        new Case("greater than", c("$.remaining", HookCondition.Op.GREATER_THAN, "2.5"), true, "3"),
        new Case("length of a list", c("$.nodes", HookCondition.Op.LENGTH, "2"), true, "length 2"),
        new Case("length differs", c("$.nodes", HookCondition.Op.LENGTH, "3"), false, "length 2"),
        new Case(
            "a filter with one match is that value",
            c(
                "$.chunks[?(@.id == 7)].status",
                HookCondition.Op.EQUALS,
                "CHUNK_STATUS_SESSION_EXPIRED"),
            true,
            "CHUNK_STATUS_SESSION_EXPIRED"),
        new Case(
            "a missing path fails", c("$.gone", HookCondition.Op.LESS_THAN, "1"), false, "nothing"),
        new Case(
            "a filter with no match fails",
            c("$.chunks[?(@.id == 8)].status", HookCondition.Op.EQUALS, "x"),
            false,
            "[]"));
  }

  private static HookCondition c(String path, HookCondition.Op op, String value) {
    return new HookCondition(path, op, value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void testsTheValueAtThePath(Case given) {
    // when
    HookCondition.Result result =
        given.condition().test(JsonPath.using(HookCondition.JSON).parse(ANSWER));

    // then
    assertThat(result.passed()).isEqualTo(given.passes());
    assertThat(result.actual()).isEqualTo(given.actual());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void describesItself(Case given) {
    assertThat(given.condition().describe()).contains(given.condition().path());
  }

  @org.junit.jupiter.api.Test
  void aComparisonWithATextIsRefusedWhenBuilt() {
    assertThatThrownBy(() -> c("$.remaining", HookCondition.Op.LESS_THAN, "few"))
        .isInstanceOf(NumberFormatException.class);
  }
}
