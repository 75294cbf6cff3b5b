package dev.crier.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory and every file Crier keeps in it are the owner's alone: the directory 0700,
 * each file 0600, given at creation (never chmod'ed after a window in which others could read),
 * and tightened at start when an older Crier left them wider. On a file system without POSIX
 * permissions these are no-ops.
 */
public final class PrivateFiles {
  private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} (and missing parents) owner-only, or narrows it to 0700 when it exists wider. */
  public static void directory(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        try {
          narrow(dir, DIRECTORY);
        } catch (IOException e) {
          log.warn("cannot narrow the data directory {} to rwx------: {}", dir, e.toString());
        }
        return;
      }
      if (dir.toAbsolutePath().getParent() != null) Files.createDirectories(dir.toAbsolutePath().getParent());
      try {
        Files.createDirectory(dir, attribute(DIRECTORY));
      } catch (FileAlreadyExistsException raced) {
        narrow(dir, DIRECTORY);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir, e);
    }
  }

  /** Creates {@code file} empty and 0600 when it is missing; narrows it to 0600 when it exists wider. */
  public static void file(Path file) throws IOException {
    try {
      Files.createFile(file, attribute(FILE));
    } catch (FileAlreadyExistsException exists) {
      narrow(file, FILE);
    }
  }

  /** Writes {@code text} to a new (or emptied) 0600 file in a private directory. */
  public static void write(Path file, String text) throws IOException {
    directory(file.toAbsolutePath().getParent());
    file(file);
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }

  /** Narrows an existing file to 0600 (an SQLite database's journal files left by an older start). */
  public static void narrowIfPresent(Path file) throws IOException {
    if (Files.exists(file)) narrow(file, FILE);
  }

  private static void narrow(Path path, Set<PosixFilePermission> wanted) throws IOException {
    if (!posix()) return;
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
    if (wanted.containsAll(current)) return;
    Files.setPosixFilePermissions(path, wanted);
    log.info("{} was {}; now {}", path, PosixFilePermissions.toString(current), PosixFilePermissions.toString(wanted));
  }

  private static FileAttribute<?>[] attribute(Set<PosixFilePermission> permissions) {
    return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
  }

  private static boolean posix() {
    return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
