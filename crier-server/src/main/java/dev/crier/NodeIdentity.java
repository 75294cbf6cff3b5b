package dev.crier;

import dev.crier.config.PrivateFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's id in a cluster, kept in {@code <data dir>/node.id} under an exclusive lock on
 * {@code node.lock} for the life of the process. A node restarted on the same data directory gets
 * the same id and may adopt its leases at once: the lock proves its previous run is dead (the
 * operating system drops it even on {@code kill -9}). Without the lock (another process holds
 * it, or the directory is not writable) the id is fresh, and old leases simply expire.
 */
final class NodeIdentity implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeIdentity.class);

  private final String id;
  private final FileChannel channel;
  private final FileLock lock;

  private NodeIdentity(String id, FileChannel channel, FileLock lock) {
    this.id = id;
    this.channel = channel;
    this.lock = lock;
  }

  static NodeIdentity of(Path dataDir) {
    try {
      PrivateFiles.directory(dataDir);
      PrivateFiles.file(dataDir.resolve("node.lock"));
      FileChannel channel =
          FileChannel.open(dataDir.resolve("node.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // another Crier in this very JVM (tests) holds it
      }
      if (lock == null) {
        channel.close();
        log.warn("another process holds {}; this node takes a fresh id", dataDir.resolve("node.lock"));
        return new NodeIdentity(fresh(), null, null);
      }
      Path file = dataDir.resolve("node.id");
      PrivateFiles.narrowIfPresent(file);
      String id = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
      if (id.isEmpty()) {
        id = fresh();
        PrivateFiles.write(file, id + "\n");
      }
      return new NodeIdentity(id, channel, lock);
    } catch (IOException e) {
      log.warn("cannot keep a node id in {}: {}; this node takes a fresh id", dataDir, e.toString());
      return new NodeIdentity(fresh(), null, null);
    }
  }

  private static String fresh() {
    return hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  String id() {
    return id;
  }

  @Override
  public void close() {
    try {
      if (lock != null) lock.release();
      if (channel != null) channel.close();
    } catch (IOException e) {
      // the process ends anyway
    }
  }
}
