package dev.ballast.core.decide;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Whether a Scale's {@code status.selector} string parses the way Kubernetes' {@code labels.Parse}
 * parses it: requirements separated by commas, each {@code [!]KEY}, {@code KEY (=|==|!=) VALUE},
 * {@code KEY (<|>) INTEGER} or {@code KEY (in|notin) (VALUES)}, with keys and values checked as
 * label keys and label values. Only the verdict and a reason are needed: the snapshot's pods are
 * the ones the selector already selected.
 */
final class SelectorSyntax {

  private enum Tok {
    END,
    CLOSE,
    COMMA,
    NOT,
    DOUBLE_EQUALS,
    EQUALS,
    GREATER,
    IN,
    LESS,
    NOT_EQUALS,
    NOT_IN,
    OPEN,
    IDENT
  }

  private record Item(Tok tok, String text) {}

  private static final String KEY_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern NAME = Pattern.compile(KEY_NAME);
  private static final Pattern VALUE = Pattern.compile("(" + KEY_NAME + ")?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

  private final List<Item> items;
  private int pos;

  private SelectorSyntax(String selector) {
    this.items = lex(selector);
  }

  /** Null when {@code selector} parses, else why it does not. */
  static String problem(String selector) {
    try {
      new SelectorSyntax(selector).parse();
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  // ------------------------------------------------------------------------------------ lexer

  private static boolean special(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
  }

  private static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static Tok operator(String s) {
    return switch (s) {
      case ")" -> Tok.CLOSE;
      case "," -> Tok.COMMA;
      case "!" -> Tok.NOT;
      case "==" -> Tok.DOUBLE_EQUALS;
      case "=" -> Tok.EQUALS;
      case ">" -> Tok.GREATER;
      case "<" -> Tok.LESS;
      case "!=" -> Tok.NOT_EQUALS;
      case "(" -> Tok.OPEN;
      default -> null;
    };
  }

  private static List<Item> lex(String s) {
    List<Item> out = new ArrayList<>();
    int i = 0;
    while (true) {
      while (i < s.length() && space(s.charAt(i))) {
        i++;
      }
      if (i >= s.length()) {
        out.add(new Item(Tok.END, ""));
        return out;
      }
      int start = i;
      if (special(s.charAt(i))) {
        // The longest run of symbols that is still an operator: "!=" and "==" but "=(" is "=".
        Tok last = null;
        int lastEnd = i;
        while (i < s.length() && special(s.charAt(i))) {
          Tok t = operator(s.substring(start, i + 1));
          if (t != null) {
            last = t;
            lastEnd = i + 1;
          } else if (last != null) {
            break;
          }
          i++;
        }
        i = lastEnd;
        out.add(new Item(last, s.substring(start, lastEnd)));
      } else {
        while (i < s.length() && !special(s.charAt(i)) && !space(s.charAt(i))) {
          i++;
        }
        String word = s.substring(start, i);
        Tok t =
            switch (word) {
              case "in" -> Tok.IN;
              case "notin" -> Tok.NOT_IN;
              default -> Tok.IDENT;
            };
        out.add(new Item(t, word));
      }
    }
  }

  // ----------------------------------------------------------------------------------- parser

  /** The current token; in a value position {@code in} and {@code notin} are identifiers. */
  private Tok peek(boolean values) {
    return asValue(items.get(pos).tok(), values);
  }

  private Item next(boolean values) {
    Item it = items.get(pos++);
    return new Item(asValue(it.tok(), values), it.text());
  }

  private static Tok asValue(Tok t, boolean values) {
    return values && (t == Tok.IN || t == Tok.NOT_IN) ? Tok.IDENT : t;
  }

  private static IllegalArgumentException error(String message) {
    return new IllegalArgumentException(message);
  }

  private void parse() {
    while (true) {
      Tok t = peek(true);
      if (t == Tok.END) {
        return;
      }
      if (t != Tok.IDENT && t != Tok.NOT) {
        throw error(
            "found '" + items.get(pos).text() + "', expected: !, identifier, or 'end of string'");
      }
      requirement();
      Item after = next(true);
      if (after.tok() == Tok.END) {
        return;
      }
      if (after.tok() != Tok.COMMA) {
        throw error("found '" + after.text() + "', expected: ',' or 'end of string'");
      }
      Tok t2 = peek(true);
      if (t2 != Tok.IDENT && t2 != Tok.NOT) {
        throw error("found '" + items.get(pos).text() + "', expected: identifier after ','");
      }
    }
  }

  private void requirement() {
    Item key = next(true);
    boolean unary = false;
    if (key.tok() == Tok.NOT) {
      unary = true;
      key = next(true);
    }
    if (key.tok() != Tok.IDENT) {
      throw error("found '" + key.text() + "', expected: identifier");
    }
    checkKey(key.text());
    Tok t = peek(true);
    if (unary || t == Tok.END || t == Tok.COMMA) {
      return;
    }
    Item op = next(false);
    List<String> values = new ArrayList<>();
    switch (op.tok()) {
      case IN, NOT_IN -> values(values);
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER, LESS -> exactValue(values);
      default -> throw error("found '" + op.text() + "', expected: in, notin, =, ==, !=, gt, lt");
    }
    if (op.tok() == Tok.GREATER || op.tok() == Tok.LESS) {
      for (String v : values) {
        if (!isInt64(v)) {
          throw error("for 'Gt', 'Lt' operators, the value must be an integer: " + v);
        }
      }
    }
    for (String v : values) {
      if (v.length() > 63 || !VALUE.matcher(v).matches()) {
        throw error("invalid label value \"" + v + "\" for key " + key.text());
      }
    }
  }

  private void values(List<String> out) {
    Item open = next(true);
    if (open.tok() != Tok.OPEN) {
      throw error("found '" + open.text() + "' expected: '('");
    }
    Tok t = peek(true);
    if (t == Tok.CLOSE) {
      next(true);
      out.add("");
      return;
    }
    if (t != Tok.IDENT && t != Tok.COMMA) {
      throw error("found '" + items.get(pos).text() + "', expected: ',', ')' or identifier");
    }
    while (true) {
      Item v = next(true);
      if (v.tok() == Tok.IDENT) {
        out.add(v.text());
        Tok t2 = peek(true);
        if (t2 == Tok.CLOSE) {
          break;
        }
        if (t2 != Tok.COMMA) {
          throw error("found '" + items.get(pos).text() + "', expected: ',' or ')'");
        }
      } else if (v.tok() == Tok.COMMA) {
        Tok t2 = peek(true);
        // "(,", ",)" and ",," stand for empty values
        out.add("");
        if (t2 == Tok.CLOSE) {
          break;
        }
      } else {
        throw error("found '" + v.text() + "', expected: ',', or identifier");
      }
    }
    next(true); // ')'
  }

  private void exactValue(List<String> out) {
    Tok t = peek(true);
    if (t == Tok.END || t == Tok.COMMA) {
      out.add("");
      return;
    }
    Item v = next(true);
    if (v.tok() != Tok.IDENT) {
      throw error("found '" + v.text() + "', expected: identifier");
    }
    out.add(v.text());
  }

  private static void checkKey(String key) {
    String[] parts = key.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        throw error("invalid label key \"" + key + "\": prefix part must be a DNS subdomain");
      }
      name = parts[1];
    } else {
      throw error("invalid label key \"" + key + "\": at most one '/'");
    }
    if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
      throw error(
          "invalid label key \""
              + key
              + "\": name part must be 1 to 63 alphanumeric characters, '-', '_' or '.', starting"
              + " and ending with an alphanumeric character");
    }
  }

  private static boolean isInt64(String v) {
    if (!INTEGER.matcher(v).matches()) {
      return false;
    }
    try {
      Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
