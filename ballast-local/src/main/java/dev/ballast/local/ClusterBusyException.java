package dev.ballast.local;

/** Another ballast process holds the cluster's lock: it is operating the cluster right now. */
public final class ClusterBusyException extends Exception {
  private static final long serialVersionUID = 1L;
  private final long holderPid;

  public ClusterBusyException(long holderPid, String message) {
    super(message);
    this.holderPid = holderPid;
  }

  /** The pid written in the lock file by the holder, or -1 when unknown. */
  public long holderPid() {
    return holderPid;
  }
}
