package dev.ballast.core.decide;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The selector strings Kubernetes' labels.Parse accepts and refuses (cases read from its rules).
 */
class SelectorSyntaxTest {

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "app=web",
        "app==web",
        "app!=web",
        "app",
        "!app",
        "app=web,tier=db",
        " app = web , tier ",
        "app in (web,api)",
        "app notin (web)",
        "app in ()",
        "app in (,web)",
        "app in (web,)",
        "app in (in,notin)",
        "app=",
        "app=,tier",
        "example.com/app=web",
        "replicas>3",
        "app==",
        "x in (foo,,baz),y,z notin ()",
        "   "
      })
  void acceptsWhatKubernetesParses(String selector) {
    assertNull(SelectorSyntax.problem(selector));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "app in (web",
        "app in web",
        "app=web,",
        ",app=web",
        "app=web tier=db",
        "=web",
        "app=(web)",
        "replicas<-3",
        "replicas>+3",
        "a in (b c)",
        "a,,b",
        "a=b=c",
        "a!b",
        "a=!b",
        "app=we b",
        "app=-web",
        "-app=web",
        "app/x/y=web",
        "Example.com/app=web",
        "/app=web",
        "replicas>three",
        "replicas>",
        "!app=web",
        "app!",
        "app=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk=v",
        "app in (we$b)",
        "app notin"
      })
  void refusesWhatKubernetesRefuses(String selector) {
    assertNotNull(SelectorSyntax.problem(selector));
  }
}
