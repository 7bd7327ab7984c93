/**
 * The journaled stage machine that executes a plan one stage per tick, and {@link
 * dev.ballast.core.execute.ScalingController}, the front door for the CLI, the autoscaling loop and
 * the operator.
 */
package dev.ballast.core.execute;
