/**
 * The demo's built-in load: {@link dev.ballast.local.load.ZooKeeperLoadGenerator} writes and reads
 * against a local ZooKeeper ensemble along a {@link dev.ballast.local.load.RateProfile}, survives
 * member changes, reports its achieved rate live ({@link dev.ballast.local.load.LoadStats}) and
 * verifies at the end that no acknowledged write was lost ({@link
 * dev.ballast.local.load.LoadResult}).
 */
package dev.ballast.local.load;
