package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.vertical.VerticalRecommender;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.crd.v1alpha1.VerticalAdviceStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * Checks a container's status.verticalAdvice against the core recommender's figures for the samples
 * the test served (every member together), allowing only the status' rounding up to 1m and 1Mi.
 */
public final class VerticalAdviceAssert {
  private static final double MIB = 1024 * 1024;

  private VerticalAdviceAssert() {}

  /** {@code shown} is what {@link VerticalRecommender} advises for {@code served}. */
  public static void showsTheRecommendation(
      VerticalAdviceStatus.ContainerAdvice shown,
      List<VerticalRecommender.Sample> served,
      VerticalSettings settings) {
    VerticalRecommender.Advice all = new VerticalRecommender(settings).recommend(served).all();
    assertThat(shown.samples).as("samples").isEqualTo((long) served.size());
    roundedUp("cpu target", amount(shown.target, "cpu"), all.cpu().target(), 0.001);
    roundedUp("cpu lowerBound", amount(shown.lowerBound, "cpu"), all.cpu().lower(), 0.001);
    roundedUp("cpu upperBound", amount(shown.upperBound, "cpu"), all.cpu().upper(), 0.001);
    roundedUp("memory target", amount(shown.target, "memory"), all.memory().target(), MIB);
    roundedUp("memory lowerBound", amount(shown.lowerBound, "memory"), all.memory().lower(), MIB);
    roundedUp("memory upperBound", amount(shown.upperBound, "memory"), all.memory().upper(), MIB);
  }

  private static void roundedUp(String what, double shown, double exact, double unit) {
    assertThat(shown).as(what).isGreaterThanOrEqualTo(exact - 1e-6 * unit).isLessThan(exact + unit);
  }

  private static double amount(Map<String, Quantity> resources, String name) {
    assertThat(resources).as("resources").containsKey(name);
    return resources.get(name).getNumericalAmount().doubleValue();
  }
}
