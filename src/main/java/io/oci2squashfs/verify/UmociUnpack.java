package io.oci2squashfs.verify;

import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.exec.Commands;
import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.image.json.DescriptorJson;
import io.oci2squashfs.image.json.Json;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI image unpacked by {@code umoci unpack} into a temporary bundle, whose {@link #rootfs()} is
 * the reference tree; {@link #close()} (or the JVM's exit) removes it all. Run as root, umoci keeps
 * owners; otherwise it unpacks {@code --rootless} and every file is the caller's.
 */
final class UmociUnpack implements Closeable {
  static final String HINT = "install umoci (apt-get install umoci, or run scripts/setup)";
  private static final long TIMEOUT_SECONDS = 3600;
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** The tag of {@link #taggedCopy}'s one image. */
  static final String COPY_TAG = "oci2squashfs-verify";

  private final TemporaryPath temp;
  private final Path rootfs;
  private final boolean rootless;

  private UmociUnpack(TemporaryPath temp, Path rootfs, boolean rootless) {
    this.temp = temp;
    this.rootfs = rootfs;
    this.rootless = rootless;
  }

  /**
   * @param tag the tag to unpack, or null for the image {@code convert} reads from the same layout
   *     (the same choice of tag and platform), which then needs no tag at all
   * @param platform without a tag, the platform to take (as {@code convert --platform})
   */
  static UmociUnpack unpack(String umoci, Path layout, String tag, Platform platform)
      throws IOException {
    Path exe = Commands.require(umoci, HINT);
    if (!Files.isRegularFile(layout.resolve("index.json"))) {
      throw new IOException(
          layout + ": not an OCI image layout (no index.json); umoci unpacks OCI layouts only");
    }
    boolean rootless = !isRoot();
    TemporaryPath temp = TemporaryPath.directory(null, "oci2squashfs-verify-");
    String what = tag == null ? layout.toString() : layout + ":" + tag;
    try {
      if (tag == null) {
        layout = taggedCopy(layout, temp.path().resolve("layout"), platform);
        tag = COPY_TAG;
      }
      Path bundle = temp.path().resolve("bundle");
      List<String> cmd = new ArrayList<>(List.of(exe.toString(), "unpack"));
      if (rootless) {
        cmd.add("--rootless");
      }
      cmd.addAll(List.of("--image", layout.toAbsolutePath() + ":" + tag, bundle.toString()));
      Commands.Result r = Commands.run(cmd, TIMEOUT_SECONDS);
      if (!r.ok()) {
        throw new ToolException(
            "umoci",
            r.exitCode(),
            "umoci could not unpack " + what + " (exit " + r.exitCode() + "): " + r.said(),
            null);
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

  /**
   * umoci unpacks by tag only, and an OCI layout need have none: this makes {@code copy}, a layout
   * whose one tag ({@link #COPY_TAG}) names the manifest that {@code convert} would read from
   * {@code layout} (its choice of image, and {@code platform}), and whose {@code blobs} is a
   * symlink to the original's.
   */
  static Path taggedCopy(Path layout, Path copy, Platform platform) throws IOException {
    Image image = ImageLoader.load(layout, platform);
    Digest manifest = image.manifestDigest();
    Path blobs = layout.toAbsolutePath().resolve("blobs");
    Path manifestBlob = blobs.resolve(manifest.algorithm()).resolve(manifest.hex());
    String mediaType =
        Json.MAPPER.readTree(manifestBlob.toFile()).path("mediaType").asText(OCI_MANIFEST);
    Files.createDirectories(copy);
    Files.writeString(copy.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.createSymbolicLink(copy.resolve("blobs"), blobs);
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType.isEmpty() ? OCI_MANIFEST : mediaType);
    descriptor.put("digest", manifest.toString());
    descriptor.put("size", Files.size(manifestBlob));
    descriptor.put("annotations", Map.of(DescriptorJson.REF_NAME, COPY_TAG));
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("manifests", List.of(descriptor));
    Json.MAPPER.writeValue(copy.resolve("index.json").toFile(), index);
    return copy;
  }

  Path rootfs() {
    return rootfs;
  }

  /**
   * Whether umoci ran {@code --rootless} (not root): owners in the rootfs are then not the image's.
   */
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
