package dev.ballast.cli.local;

import dev.ballast.local.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} from the command line; {@link Positive}
 * also refuses {@code 0s}, for the options where zero would spin or end at once.
 */
public class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value)
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration; write it like 500ms, 30s, 2m or 1h"));
  }

  /** A duration longer than zero. */
  public static final class Positive extends DurationConverter {
    @Override
    public Duration convert(String value) {
      Duration d = super.convert(value);
      if (d.isZero()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' must be longer than 0s, e.g. 500ms, 30s or 2m");
      }
      return d;
    }
  }
}
