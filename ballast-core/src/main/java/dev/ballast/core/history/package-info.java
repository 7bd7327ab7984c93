/** The records of a cluster's scaling history: decisions, refusals, stages and operations. */
package dev.ballast.core.history;
