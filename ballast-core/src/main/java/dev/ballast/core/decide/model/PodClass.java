package dev.ballast.core.decide.model;

/** How the HPA counted a pod for one metric. */
public enum PodClass {
  /** Counted with its sample. */
  READY,
  /** Pending, or not ready by the CPU readiness rules: left out, counted as 0 on a scale-up. */
  UNREADY,
  /** No sample: counted as 0 on a scale-up and as the target on a scale-down. */
  MISSING,
  /** Being deleted or failed: left out entirely. */
  IGNORED
}
