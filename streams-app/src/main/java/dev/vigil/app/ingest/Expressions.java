package dev.vigil.app.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.burt.jmespath.Adapter;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPathType;
import io.burt.jmespath.RuntimeConfiguration;
import io.burt.jmespath.function.ArgumentConstraints;
import io.burt.jmespath.function.BaseFunction;
import io.burt.jmespath.function.FunctionArgument;
import io.burt.jmespath.function.FunctionRegistry;
import io.burt.jmespath.jackson.JacksonRuntime;
import io.burt.jmespath.parser.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * JMESPath (jmespath.org) over Jackson trees, with a few string functions that log mappings need:
 * {@code lower(s)}, {@code upper(s)}, {@code trim(s)}, {@code before(s, sep)}, {@code after(s,
 * sep)}, {@code before_last(s, sep)}, {@code after_last(s, sep)}, {@code replace(s, regex, with)},
 * {@code matches(s, regex)}, {@code split(s, sep)} and {@code host(s)} (a host name as Vigil keys
 * hosts: lower case, without leading backslashes, a trailing {@code $} or the DNS domain; IP
 * addresses unchanged). Type errors yield null instead of failing.
 */
public final class Expressions {

  private static final JacksonRuntime RUNTIME =
      new JacksonRuntime(
          RuntimeConfiguration.builder()
              .withSilentTypeErrors(true)
              .withFunctionRegistry(
                  FunctionRegistry.defaultRegistry()
                      .extend(
                          unary("lower", s -> s.toLowerCase(Locale.ROOT)),
                          unary("upper", s -> s.toUpperCase(Locale.ROOT)),
                          unary("trim", String::strip),
                          unary("host", Expressions::host),
                          binary("before", (s, sep) -> cut(s, s.indexOf(sep), true, sep)),
                          binary("after", (s, sep) -> cut(s, s.indexOf(sep), false, sep)),
                          binary("before_last", (s, sep) -> cut(s, s.lastIndexOf(sep), true, sep)),
                          binary("after_last", (s, sep) -> cut(s, s.lastIndexOf(sep), false, sep)),
                          new Replace(),
                          new Matches(),
                          new Split()))
              .build());

  private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private Expressions() {}

  /**
   * Compiles an expression.
   *
   * @param expression JMESPath text
   * @param where where it was written, for the error message
   * @throws MappingException if it does not parse
   */
  public static Expression<JsonNode> compile(String expression, String where) {
    try {
      return RUNTIME.compile(expression);
    } catch (ParseException | IllegalArgumentException e) {
      throw new MappingException(
          "Invalid JMESPath expression '" + expression + "' at " + where + ": " + firstLine(e));
    }
  }

  /** Whether a value counts as true in a condition (JMESPath truthiness). */
  public static boolean isTruthy(JsonNode value) {
    return value != null && RUNTIME.isTruthy(value);
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** A host name reduced to the form hosts are compared in. */
  static String host(String raw) {
    String h = raw.strip().replaceFirst("^\\\\+", "").toLowerCase(Locale.ROOT);
    if (h.endsWith("$")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.contains(":") || h.matches("[0-9.]+")) {
      return h;
    }
    int dot = h.indexOf('.');
    return dot > 0 ? h.substring(0, dot) : h;
  }

  /** Text before (or after) the separator at {@code at}; the whole text when it is absent. */
  private static String cut(String s, int at, boolean before, String sep) {
    if (at < 0) {
      return s;
    }
    return before ? s.substring(0, at) : s.substring(at + sep.length());
  }

  private static Pattern pattern(String regex) {
    return PATTERNS.computeIfAbsent(regex, Pattern::compile);
  }

  private static BaseFunction unary(String name, UnaryOperator<String> f) {
    return new BaseFunction(name, ArgumentConstraints.typeOf(JmesPathType.STRING)) {
      @Override
      protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> args) {
        return runtime.createString(f.apply(runtime.toString(args.get(0).value())));
      }
    };
  }

  private static BaseFunction binary(String name, BinaryOperator<String> f) {
    return new BaseFunction(
        name,
        ArgumentConstraints.typeOf(JmesPathType.STRING),
        ArgumentConstraints.typeOf(JmesPathType.STRING)) {
      @Override
      protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> args) {
        return runtime.createString(
            f.apply(runtime.toString(args.get(0).value()), runtime.toString(args.get(1).value())));
      }
    };
  }

  /** {@code replace(s, regex, replacement)}: every match replaced, Java regex syntax. */
  private static final class Replace extends BaseFunction {
    Replace() {
      super(
          "replace",
          ArgumentConstraints.typeOf(JmesPathType.STRING),
          ArgumentConstraints.typeOf(JmesPathType.STRING),
          ArgumentConstraints.typeOf(JmesPathType.STRING));
    }

    @Override
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> args) {
      String s = runtime.toString(args.get(0).value());
      String regex = runtime.toString(args.get(1).value());
      String with = runtime.toString(args.get(2).value());
      return runtime.createString(pattern(regex).matcher(s).replaceAll(with));
    }
  }

  /** {@code matches(s, regex)}: whether the regex finds a match in s. */
  private static final class Matches extends BaseFunction {
    Matches() {
      super(
          "matches",
          ArgumentConstraints.typeOf(JmesPathType.STRING),
          ArgumentConstraints.typeOf(JmesPathType.STRING));
    }

    @Override
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> args) {
      String s = runtime.toString(args.get(0).value());
      String regex = runtime.toString(args.get(1).value());
      return runtime.createBoolean(pattern(regex).matcher(s).find());
    }
  }

  /** {@code split(s, sep)}: the parts between literal separators. */
  private static final class Split extends BaseFunction {
    Split() {
      super(
          "split",
          ArgumentConstraints.typeOf(JmesPathType.STRING),
          ArgumentConstraints.typeOf(JmesPathType.STRING));
    }

    @Override
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> args) {
      String s = runtime.toString(args.get(0).value());
      String sep = runtime.toString(args.get(1).value());
      List<T> parts = new ArrayList<>();
      for (String p : s.split(Pattern.quote(sep), -1)) {
        parts.add(runtime.createString(p));
      }
      return runtime.createArray(parts);
    }
  }
}
