package dev.ballast.core.decide.model;

/** One pod's class for one metric and the rule that put it there (e.g. "phase Pending"). */
public record PodVerdict(String pod, PodClass podClass, String why) {}
