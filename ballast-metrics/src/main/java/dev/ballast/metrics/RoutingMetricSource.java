package dev.ballast.metrics;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Sends each metric to the first source whose rule matches its name, for example {@code cpu} to the
 * process CPU source, {@code zk_*} names to {@code mntr} and the rest to the Prometheus endpoint. A
 * name no rule matches is unavailable.
 */
public final class RoutingMetricSource implements MetricSource {
  private final List<Route> routes;

  private RoutingMetricSource(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** Starts an empty set of routes. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    String name = nameOf(metricName);
    for (Route route : routes) {
      // A route may name a whole query (a PromQL expression routed as it is written).
      if (route.matches().test(metricName) || route.matches().test(name)) {
        return route.source().read(metricName, members);
      }
    }
    throw new MetricUnavailableException("no metric source is configured for '" + metricName + "'");
  }

  /** The metric name inside {@code rate(...)} and before any labels; else the text itself. */
  private static String nameOf(String metricName) {
    try {
      return MetricQuery.parse(metricName).name();
    } catch (IllegalArgumentException e) {
      // Not a name we parse (e.g. "prometheus:sum(rate(x[1m]))"): only an exact route takes it.
      return metricName;
    }
  }

  /** Collects routes in order; the first match wins. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /** Routes the metric whose name (inside any {@code rate(...)}) equals {@code name}. */
    public Builder exact(String name, MetricSource source) {
      Objects.requireNonNull(name, "name");
      return when(name::equals, source);
    }

    /** Routes metrics whose name starts with {@code prefix}. */
    public Builder prefix(String prefix, MetricSource source) {
      Objects.requireNonNull(prefix, "prefix");
      return when(n -> n.startsWith(prefix), source);
    }

    /** Routes every metric no earlier route took. */
    public Builder otherwise(MetricSource source) {
      return when(n -> true, source);
    }

    /** Routes metrics whose name satisfies {@code rule}. */
    public Builder when(Predicate<String> rule, MetricSource source) {
      routes.add(new Route(Objects.requireNonNull(rule), Objects.requireNonNull(source)));
      return this;
    }

    public RoutingMetricSource build() {
      return new RoutingMetricSource(routes);
    }
  }

  private record Route(Predicate<String> matches, MetricSource source) {}
}
