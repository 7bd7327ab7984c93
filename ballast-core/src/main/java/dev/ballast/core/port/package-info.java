/**
 * The ports: the interfaces through which the pure core reaches the world. Adapters implement them
 * at the edges (Kubernetes, local processes, ZooKeeper, ...), each passing the port's contract
 * test.
 */
package dev.ballast.core.port;
