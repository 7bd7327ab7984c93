package dev.ballast.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceReaderTest {

  @Test
  void readsCsvWithHeader() {
    Trace t = TraceReader.readCsv("t.csv", "t", "timestamp_seconds,value\n0,1.5\n60,2\n120,0\n");
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.intervalSeconds()).isEqualTo(60);
    assertThat(t.value(0)).isEqualTo(1.5);
    assertThat(t.endTime()).isEqualTo(180);
    assertThat(t.gaps()).isZero();
  }

  @Test
  void missingHeaderNamesLineOne() {
    assertThatThrownBy(() -> TraceReader.readCsv("t.csv", "t", "0,1\n60,2\n"))
        .isInstanceOf(InputException.class)
        .hasMessage("t.csv:1: the header must be 'timestamp_seconds,value', was '0,1'");
  }

  @Test
  void errorsNameTheLineAndTheField() {
    assertThatThrownBy(
            () -> TraceReader.readCsv("t.csv", "t", "timestamp_seconds,value\n0,1\n6.5,2\n"))
        .hasMessageContaining("t.csv:3: timestamp_seconds '6.5' is not a whole number");
    assertThatThrownBy(
            () -> TraceReader.readCsv("t.csv", "t", "timestamp_seconds,value\n0,1\n60,-2\n"))
        .hasMessageContaining("t.csv:3: value -2 must be a finite number >= 0");
    assertThatThrownBy(
            () -> TraceReader.readCsv("t.csv", "t", "timestamp_seconds,value\n60,1\n60,2\n"))
        .hasMessageContaining("t.csv:3: timestamp_seconds 60 is not after the previous row's 60");
    assertThatThrownBy(() -> TraceReader.readCsv("t.csv", "t", "timestamp_seconds,value\n0,1,3\n"))
        .hasMessageContaining("t.csv:2: expected 2 fields");
  }

  @Test
  void refusesTimestampsOutsideUnixTimeNamingTheLine() {
    // the first two overflowed the step between rows (an IllegalArgumentException, exit 1)
    assertThatThrownBy(
            () ->
                TraceReader.readCsv(
                    "t.csv",
                    "t",
                    "timestamp_seconds,value\n-9223372036854775808,1\n9223372036854775807,2\n"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(
            "t.csv:2: timestamp_seconds -9.223372036854776E18 is not a Unix time");
    assertThatThrownBy(
            () -> TraceReader.readCsv("t.csv", "t", "timestamp_seconds,value\n1e300,1\n2e300,2\n"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("t.csv:2: timestamp_seconds 1.0E300 is not a Unix time");
    assertThatThrownBy(
            () ->
                TraceReader.readPrometheus(
                    "t.json",
                    "t",
                    "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
                        + "[{\"values\":[[1e300,\"1\"],[2e300,\"1\"]]}]}}"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("t.json: data.result[0].values[0]: timestamp 1.0E300 is not a Unix");
  }

  @Test
  void aLongStepBetweenRowsIsAGap() {
    Trace t =
        TraceReader.readCsv(
            "t.csv", "t", "timestamp_seconds,value\n0,1\n60,1\n120,1\n3600,1\n3660,1\n");
    assertThat(t.gaps()).isEqualTo(1);
    assertThat(t.gapAfter(2)).isTrue();
    assertThat(t.gapAfter(1)).isFalse();
  }

  @Test
  void readsAPrometheusQueryRangeExportAndDropsNaN() {
    String json =
        """
        {"status":"success","data":{"resultType":"matrix","result":[{"metric":{},
         "values":[[1700000000,"5"],[1700000015.0,"NaN"],[1700000030,"7.5"],[1700000045,"8"]]}]}}
        """;
    Trace t = TraceReader.readPrometheus("q.json", "q", json);
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.time(1)).isEqualTo(1700000030L);
    assertThat(t.value(1)).isEqualTo(7.5);
    assertThat(t.intervalSeconds()).isEqualTo(15);
    assertThat(t.gaps()).isEqualTo(1);
  }

  @Test
  void prometheusErrorsNameTheField() {
    assertThatThrownBy(
            () ->
                TraceReader.readPrometheus(
                    "q.json",
                    "q",
                    "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"))
        .hasMessageContaining("q.json: data.result must hold exactly one series, has 0");
    assertThatThrownBy(
            () ->
                TraceReader.readPrometheus(
                    "q.json",
                    "q",
                    "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
                        + "[{\"values\":[[1,\"2\"],[2,\"x\"]]}]}}"))
        .hasMessageContaining("q.json: data.result[0].values[1]: value 'x' is not a number");
    assertThatThrownBy(() -> TraceReader.readPrometheus("q.json", "q", "{\"status\":"))
        .hasMessageStartingWith("q.json: not valid JSON");
  }
}
