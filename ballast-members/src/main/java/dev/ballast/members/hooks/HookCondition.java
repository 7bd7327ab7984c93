package dev.ballast.members.hooks;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A test on a hook's JSON answer: the value at a JSONPath {@code equals} a text, is {@code
 * lessThan} or {@code greaterThan} a number, or (a list, object or text) has a {@code length}. A
 * path that matches nothing fails every test; a filter that yields one value is read as that value.
 */
public record HookCondition(String path, Op op, String value) {

  /** The comparison the condition makes. */
  public enum Op {
    EQUALS,
    LESS_THAN,
    GREATER_THAN,
    LENGTH
  }

  static final Configuration JSON =
      Configuration.defaultConfiguration()
          .addOptions(Option.SUPPRESS_EXCEPTIONS, Option.DEFAULT_PATH_LEAF_TO_NULL);

  public HookCondition {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    JsonPath.compile(path); // fails early on a path that cannot be read
    if (op != Op.EQUALS) {
      Double.parseDouble(value);
    }
  }

  /** Whether {@code json} passes; {@code actual} then names the value found, for messages. */
  public Result test(DocumentContext json) {
    Object found = unwrap(json.read(path));
    String actual = found == null ? "nothing" : String.valueOf(found);
    boolean ok =
        switch (op) {
          case EQUALS -> found != null && sameValue(found, value);
          case LESS_THAN -> number(found) != null && number(found) < Double.parseDouble(value);
          case GREATER_THAN -> number(found) != null && number(found) > Double.parseDouble(value);
          case LENGTH -> {
            Integer length = length(found);
            actual = length == null ? actual : "length " + length;
            yield length != null && length == (int) Double.parseDouble(value);
          }
        };
    return new Result(ok, actual);
  }

  /** For messages: "$.remaining < 1". */
  public String describe() {
    return switch (op) {
      case EQUALS -> path + " == " + value;
      case LESS_THAN -> path + " < " + value;
      case GREATER_THAN -> path + " > " + value;
      case LENGTH -> "length of " + path + " == " + value;
    };
  }

  /** The outcome of one test, with the value that was found. */
  public record Result(boolean passed, String actual) {}

  /** A filter's one-element list is that element; anything else is kept as it is. */
  static Object unwrap(Object found) {
    if (found instanceof List<?> list && list.size() == 1 && !(list.get(0) instanceof List<?>)) {
      return list.get(0);
    }
    return found;
  }

  private static boolean sameValue(Object found, String expected) {
    if (found instanceof Number n) {
      try {
        return n.doubleValue() == Double.parseDouble(expected);
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return String.valueOf(found).equals(expected);
  }

  private static Double number(Object found) {
    if (found instanceof Number n) {
      return n.doubleValue();
    }
    if (found instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Integer length(Object found) {
    if (found instanceof List<?> l) {
      return l.size();
    }
    if (found instanceof Map<?, ?> m) {
      return m.size();
    }
    if (found instanceof String s) {
      return s.length();
    }
    return null;
  }
}
