package io.oci2squashfs.verify;

import io.oci2squashfs.exec.Commands;
import io.oci2squashfs.exec.ToolException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI image unpacked by {@code umoci unpack} into a temporary bundle, whose {@link #rootfs()}
 * is the reference tree; {@link #close()} (or the JVM's exit) removes it all. Run as root, umoci
 * keeps owners; otherwise it unpacks {@code --rootless} and every file is the caller's.
 */
final class UmociUnpack implements Closeable {
  static final String HINT = "install umoci (apt-get install umoci, or run scripts/setup)";
  private static final long TIMEOUT_SECONDS = 3600;

  private final TempDirectory temp;
  private final Path rootfs;
  private final boolean rootless;

  private UmociUnpack(TempDirectory temp, Path rootfs, boolean rootless) {
    this.temp = temp;
    this.rootfs = rootfs;
    this.rootless = rootless;
  }

  static UmociUnpack unpack(String umoci, Path layout, String tag) throws IOException {
    Path exe = Commands.require(umoci, HINT);
    if (!Files.isRegularFile(layout.resolve("index.json"))) {
      throw new IOException(layout + ": not an OCI image layout (no index.json); umoci unpacks OCI layouts only");
    }
    boolean rootless = !isRoot();
    TempDirectory temp = TempDirectory.create("oci2squashfs-verify-");
    try {
      Path bundle = temp.path().resolve("bundle");
      List<String> cmd = new ArrayList<>(List.of(exe.toString(), "unpack"));
      if (rootless) {
        cmd.add("--rootless");
      }
      cmd.addAll(List.of("--image", layout.toAbsolutePath() + ":" + tag, bundle.toString()));
      Commands.Result r = Commands.run(cmd, TIMEOUT_SECONDS, true);
      if (!r.ok()) {
        throw new ToolException("umoci", r.exitCode(), "umoci could not unpack " + layout + ":" + tag
            + " (exit " + r.exitCode() + "): " + r.said(), null);
      }
      Path rootfs = bundle.resolve("rootfs");
      if (!Files.isDirectory(rootfs)) {
        throw new ToolException("umoci", 0, "umoci unpack left no rootfs in " + bundle, null);
      }
      return new UmociUnpack(temp, rootfs, rootless);
    } catch (IOException | RuntimeException e) {
      try {
        temp.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  Path rootfs() {
    return rootfs;
  }

  /** Whether umoci ran {@code --rootless} (not root): owners in the rootfs are then not the image's. */
  boolean rootless() {
    return rootless;
  }

  @Override
  public void close() throws IOException {
    temp.close();
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
