package io.oci2squashfs.verify;

import io.oci2squashfs.cleanup.OnSignal;
import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.exec.Commands;
import io.oci2squashfs.exec.Executables;
import io.oci2squashfs.exec.ToolException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An image mounted read-only with a FUSE mounter on a fresh temporary directory: a squashfs with
 * {@code squashfuse_ll}, an erofs with {@code erofsfuse}, both run as {@code TOOL -o ro IMAGE DIR}.
 * {@link #close()} unmounts it and removes the directory; the shutdown hook does the same if a
 * signal stops the JVM first ({@link OnSignal}). The low-level {@code squashfuse_ll} is used
 * because it reports the image's own inode numbers, so that hard links share one; the high-level
 * {@code squashfuse} gives every path its own. {@code erofsfuse} (1.8) reports the image's inode
 * numbers too, and reads every xattr namespace and device number right.
 *
 * <p>squashfuse 0.1 gets some xattrs wrong; {@link #quirks} finds out how, so that readers can
 * correct for it.
 */
public final class FuseMount implements Closeable {
  static final String HINT =
      "install squashfuse and fuse3 (apt-get install squashfuse fuse3, or run scripts/setup),"
          + " or use --method unsquashfs";
  static final String EROFS_HINT =
      "install erofs-utils with erofsfuse and fuse3 (scripts/setup builds them),"
          + " or use --method extract";
  private static final long MOUNT_TIMEOUT_SECONDS = 120;
  private static final Map<Path, Quirks> QUIRKS = new ConcurrentHashMap<>();

  private final Path mountPoint;
  private final List<String> unmount;
  private final List<String> lazyUnmount;
  private final OnSignal.Registration onSignal;
  private boolean closed;

  private FuseMount(Path mountPoint, List<String> unmount, List<String> lazyUnmount) {
    this.mountPoint = mountPoint;
    this.unmount = unmount;
    this.lazyUnmount = lazyUnmount;
    this.onSignal = OnSignal.register(OnSignal.Stage.UNMOUNT, this::unmountQuietly);
  }

  /**
   * Why FUSE mounting cannot work here, or null when it may: {@code /dev/fuse} must be readable and
   * writable and the mounter and unmounter found.
   */
  public static String unusableReason(VerifyTools tools) {
    return unusableReason(FilesystemImage.Format.SQUASHFS, tools);
  }

  /** As {@link #unusableReason(VerifyTools)}, for the mounter of {@code format}. */
  public static String unusableReason(FilesystemImage.Format format, VerifyTools tools) {
    Path fuse = Path.of("/dev/fuse");
    if (!Files.exists(fuse)) {
      return "/dev/fuse does not exist";
    }
    if (!Files.isReadable(fuse) || !Files.isWritable(fuse)) {
      return "/dev/fuse is not readable and writable by this user";
    }
    if (Executables.find(mounter(format, tools)) == null) {
      return mounter(format, tools) + " is not installed";
    }
    if (fusermount(tools) == null) {
      return tools.fusermount() + " is not installed";
    }
    return null;
  }

  /** Mounts the squashfs {@code image} read-only on a new temporary directory. */
  public static FuseMount mount(Path image, VerifyTools tools) throws IOException {
    return mount(image, FilesystemImage.Format.SQUASHFS, tools);
  }

  /** The FUSE mounter for {@code format}: {@code squashfuse_ll} or {@code erofsfuse}. */
  static String mounter(FilesystemImage.Format format, VerifyTools tools) {
    return format == FilesystemImage.Format.EROFS ? tools.erofsfuse() : tools.squashfuse();
  }

  static String hint(FilesystemImage.Format format) {
    return format == FilesystemImage.Format.EROFS ? EROFS_HINT : HINT;
  }

  /** Mounts {@code image}, a {@code format} filesystem, read-only on a new temporary directory. */
  public static FuseMount mount(Path image, FilesystemImage.Format format, VerifyTools tools)
      throws IOException {
    String hint = hint(format);
    Path exe = Commands.require(mounter(format, tools), hint);
    Path fusermount = fusermount(tools);
    if (fusermount == null) {
      throw new ToolException("fusermount", -1, tools.fusermount() + " not found", hint);
    }
    if (OnSignal.stopping()) {
      throw new io.oci2squashfs.cleanup.StoppedException();
    }
    Path dir =
        Files.createTempDirectory(
            "oci2squashfs-mnt-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    long parentDev = (Long) Files.getAttribute(dir, "unix:dev");
    List<String> lazy = List.of(fusermount.toString(), "-u", "-z", dir.toString());
    // registered first: a signal while squashfuse runs must not leave its mount behind
    FuseMount m = new FuseMount(dir, List.of(fusermount.toString(), "-u", dir.toString()), lazy);
    Commands.Result r;
    try {
      r =
          Commands.run(
              List.of(
                  exe.toString(), "-o", "ro", image.toAbsolutePath().toString(), dir.toString()),
              MOUNT_TIMEOUT_SECONDS);
    } catch (IOException e) {
      m.close();
      throw e;
    }
    if (!r.ok() || (Long) Files.getAttribute(dir, "unix:dev") == parentDev) {
      m.close(); // the mount may still have happened
      throw new ToolException(
          exe.getFileName().toString(),
          r.exitCode(),
          "could not mount "
              + image
              + " with "
              + exe.getFileName()
              + (r.ok()
                  ? ": nothing is mounted although it succeeded"
                  : " (exit " + r.exitCode() + "): " + r.said()),
          hint);
    }
    return m;
  }

  private static Path fusermount(VerifyTools tools) {
    Path p = Executables.find(tools.fusermount());
    if (p == null && tools.fusermount().equals("fusermount3")) {
      p = Executables.find("fusermount");
    }
    return p;
  }

  /** The mounted image's root directory. */
  public Path root() {
    return mountPoint;
  }

  /**
   * How a squashfuse misreports xattrs.
   *
   * @param swapsTrustedAndSecurity shows {@code trusted.*} as {@code security.*} and the other way
   *     round (squashfuse before 0.2, vasi/squashfuse#83)
   * @param hidesEmptyValues lists an empty-valued xattr but answers "no such attribute" when it is
   *     read
   */
  public record Quirks(boolean swapsTrustedAndSecurity, boolean hidesEmptyValues) {}

  /**
   * The xattr quirks of the squashfuse in use, found by mounting a tiny image holding {@code
   * trusted.oci2squashfs-probe="t"}, {@code security.oci2squashfs-probe="s"} and an empty {@code
   * user.oci2squashfs-empty}; once per tool. A user that cannot see a namespace gets false.
   */
  public static Quirks quirks(VerifyTools tools) throws IOException {
    Path exe = Commands.require(tools.squashfuse(), HINT);
    Quirks known = QUIRKS.get(exe);
    if (known != null) {
      return known;
    }
    try (TemporaryPath probeFile = TemporaryPath.file("oci2squashfs-xattr-probe-", ".squashfs")) {
      Path probe = probeFile.path();
      try (InputStream in = FuseMount.class.getResourceAsStream("xattr-probe.squashfs")) {
        if (in == null) {
          throw new IllegalStateException("xattr-probe.squashfs is missing from the jar");
        }
        Files.copy(in, probe, StandardCopyOption.REPLACE_EXISTING);
      }
      Quirks q;
      try (FuseMount m = mount(probe, tools)) {
        Map<String, SortedMap<String, String>> x =
            GetfattrReader.read(tools.getfattr(), m.root(), false);
        SortedMap<String, String> attrs = x.getOrDefault("/probe", new java.util.TreeMap<>());
        q =
            new Quirks(
                "74".equals(attrs.get("security.oci2squashfs-probe")),
                !attrs.containsKey("user.oci2squashfs-empty"));
      }
      QUIRKS.put(exe, q);
      return q;
    }
  }

  /** Unmounts (lazily if busy after a few tries) and removes the mount point. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    onSignal.close();
    doUnmount();
  }

  /**
   * The shutdown hook: other threads may still be reading the mount, so detach it at once (lazily).
   */
  private void unmountQuietly() {
    try {
      Commands.run(lazyUnmount, 30);
      Files.deleteIfExists(mountPoint);
    } catch (IOException e) {
      System.err.println("oci2squashfs: " + e.getMessage());
    }
  }

  private void doUnmount() throws IOException {
    long parentDev = (Long) Files.getAttribute(mountPoint.getParent(), "unix:dev");
    String said = "";
    for (int attempt = 0; attempt < 5 && isMounted(parentDev); attempt++) {
      if (attempt > 0) {
        sleep(200L * attempt);
      }
      Commands.Result r = Commands.run(unmount, 60);
      said = r.said();
    }
    if (isMounted(parentDev)) {
      Commands.Result r = Commands.run(lazyUnmount, 60);
      if (!r.ok()) {
        throw new ToolException(
            "fusermount",
            r.exitCode(),
            "could not unmount "
                + mountPoint
                + ": "
                + said
                + "; "
                + r.said()
                + " (unmount it with: fusermount3 -u "
                + mountPoint
                + ")",
            null);
      }
    }
    // never recursive: an empty directory is all that may be removed here
    Files.deleteIfExists(mountPoint);
  }

  private boolean isMounted(long parentDev) throws IOException {
    try {
      return (Long) Files.getAttribute(mountPoint, "unix:dev", LinkOption.NOFOLLOW_LINKS)
          != parentDev;
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true; // a dead FUSE mount answers with errors: still mounted
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
