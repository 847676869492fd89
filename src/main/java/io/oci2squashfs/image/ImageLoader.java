package io.oci2squashfs.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Finds the image in a directory, an OCI image layout or a {@code docker save} directory, and
 * parses it for one platform. Reads only JSON: layers are checked to exist, not opened, and no
 * digest is verified.
 */
public final class ImageLoader {
  private ImageLoader() {}

  /**
   * Loads the one image in {@code dir}.
   *
   * @see #load(Path, Platform, String)
   */
  public static Image load(Path dir, Platform wanted) throws IOException {
    return load(dir, wanted, null);
  }

  /**
   * Loads an image from {@code dir}.
   *
   * <p>With an {@code index.json} the directory is read as an OCI image layout (also when a
   * {@code manifest.json} is there too, as Docker 25 and later write both); else with a
   * {@code manifest.json} as a {@code docker save} directory.
   *
   * <p>When the directory holds several images (tags), {@code refName} chooses one: an OCI
   * {@code org.opencontainers.image.ref.name} or {@code io.containerd.image.name} annotation, or a
   * docker {@code RepoTags} entry. Without it, a directory with several images is an error that
   * lists them.
   *
   * <p>Where an image index names platforms, the manifest for {@code wanted} is chosen (the exact
   * variant preferred) and none matching is an error listing those available. Attestation
   * manifests are skipped. An image that names no platform (a single manifest, a docker save) is
   * returned whatever its platform; compare {@link Image#platform()} to warn.
   *
   * @param dir the image directory
   * @param wanted the platform to choose, e.g. {@link Platform#host()}
   * @param refName the image to choose among several, or null
   * @throws ImageFormatException when the directory is not an image, or a file is missing or
   *     malformed, naming the file
   * @throws IOException when reading fails
   */
  public static Image load(Path dir, Platform wanted, String refName) throws IOException {
    Objects.requireNonNull(wanted, "wanted");
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new ImageFormatException(dir + " is not a directory");
    }
    if (Files.exists(root.resolve("index.json"))) {
      return OciLayoutLoader.load(root, wanted, refName);
    }
    if (Files.exists(root.resolve("manifest.json"))) {
      return DockerSaveLoader.load(root, refName);
    }
    throw new ImageFormatException(
        dir + " is not an OCI image layout (no index.json) nor a docker save directory"
            + " (no manifest.json)");
  }
}
