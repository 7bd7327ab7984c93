package dev.ballast.cli.local;

import dev.ballast.local.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} from the command line. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value)
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration; write it like 500ms, 30s, 2m or 1h"));
  }
}
