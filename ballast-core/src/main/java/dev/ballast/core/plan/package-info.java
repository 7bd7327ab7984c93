/**
 * Turns a size change into single-member steps in StatefulSet order, after the safety rules
 * (bounds, allowed sizes, shrink policy, quorum guard) have accepted it.
 */
package dev.ballast.core.plan;
