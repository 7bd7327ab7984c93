/**
 * Readers and writers of Ballast's documents. {@link dev.ballast.api.SnapshotReader} reads a
 * decision snapshot (JSON or YAML, Kubernetes' own objects) into the engine's records; {@link
 * dev.ballast.api.AutoscalingV2Reader#read} reads an autoscaling/v2 {@code metrics} list and {@code
 * behavior} object from any Jackson tree (cluster files, simulator policies); {@link
 * dev.ballast.api.DecisionWriter} writes a decision as JSON. Every problem is an {@link
 * dev.ballast.api.InvalidDocumentException} naming the field by its path.
 */
package dev.ballast.api;
