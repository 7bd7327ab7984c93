package dev.ballast.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock that keeps two ballast processes from driving one local cluster at once: an OS
 * file lock on {@code <stateDir>/ballast.lock}, which the OS releases when the holder dies (even by
 * SIGKILL), with the holder's pid written inside for the refusal message.
 */
public final class ClusterLock implements AutoCloseable {
  static final String FILE = "ballast.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private ClusterLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock of the cluster whose state lives in {@code stateDir}, or refuses at once. */
  public static ClusterLock acquire(Path stateDir) throws ClusterBusyException {
    Path file = stateDir.resolve(FILE);
    FileChannel ch = null;
    try {
      Files.createDirectories(stateDir);
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very JVM
      }
      if (lock == null) {
        long holder = readPid(file);
        ch.close();
        throw new ClusterBusyException(
            holder,
            "another ballast process"
                + (holder > 0 ? " (pid " + holder + ")" : "")
                + " is operating this cluster; wait for it to finish or stop it");
      }
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      ch.force(false);
      return new ClusterLock(ch, lock);
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UncheckedIOException("cannot take the cluster lock " + file, e);
    }
  }

  private static long readPid(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? -1 : Long.parseLong(text);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the cluster lock", e);
    }
  }
}
