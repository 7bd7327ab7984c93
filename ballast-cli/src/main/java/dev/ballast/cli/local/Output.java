package dev.ballast.cli.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Formats shared by the local-cluster commands: JSON for scripts, a time stamp for progress. */
public final class Output {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .setSerializationInclusion(JsonInclude.Include.ALWAYS);

  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Output() {}

  /** {@code [12:00:01] message}, in the local time zone. */
  public static String stamped(Clock clock, String message) {
    return "[" + LocalTime.now(clock).truncatedTo(ChronoUnit.SECONDS).format(HMS) + "] " + message;
  }

  /** The output format option's accepted values. */
  public enum Format {
    text,
    json
  }
}
