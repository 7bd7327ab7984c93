package dev.ballast.cli.kube;

import java.nio.file.Path;

/**
 * A StatefulAutoscaler as the user named it: {@code namespace} (null: the kubeconfig context's),
 * {@code name}, and how to reach its cluster ({@code context} and {@code kubeconfig}, null for the
 * defaults).
 */
public record AutoscalerRef(String namespace, String name, String context, Path kubeconfig) {}
