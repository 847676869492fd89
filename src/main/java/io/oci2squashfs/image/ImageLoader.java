package io.oci2squashfs.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Finds the image in a directory or a tar archive, an OCI image layout or a {@code docker save},
 * and parses it for one platform. Reads only JSON: layers are checked to exist, not opened, and no
 * digest is verified. Archives are read in place, never extracted.
 */
public final class ImageLoader {
  private ImageLoader() {}

  /**
   * Loads the one image in {@code path}, a directory, a tar archive or a skopeo-style reference.
   *
   * @param path the image directory or archive
   * @param wanted the platform to choose from an index, e.g. {@link Platform#host()}
   * @return the image: platform, manifest, config and layers, base first
   * @throws IOException an {@link ImageFormatException} naming the file when {@code path} holds no
   *     image, or several without a choice, or a file is missing or malformed
   * @see #load(Path, Platform, String)
   */
  public static Image load(Path path, Platform wanted) throws IOException {
    return load(path, wanted, null);
  }

  /**
   * Loads an image from a directory or a tar archive.
   *
   * <p>{@code path} is a directory, or a plain (uncompressed) tar archive holding the same files:
   * what {@code docker save} writes, or an OCI layout as {@code skopeo copy ... oci-archive:}
   * writes it. Symlinks and hard links inside an archive are followed, but never out of it; the
   * archive is not held open (each {@link Layer#open()} opens it anew).
   *
   * <p>With an {@code index.json} the image is read as an OCI image layout (also when a {@code
   * manifest.json} is there too, as Docker 25 and later write both); else with a {@code
   * manifest.json} as a {@code docker save}.
   *
   * <p>When {@code path} does not exist but reads as a skopeo-style reference ({@code
   * oci:DIR[:TAG]}, {@code oci-archive:FILE[:TAG]}, {@code docker-archive:FILE[:NAME:TAG]}), that
   * is loaded; see {@link #load(String, Platform)}.
   *
   * <p>When the image holds several images (tags), {@code refName} chooses one: an OCI {@code
   * org.opencontainers.image.ref.name} or {@code io.containerd.image.name} annotation, or a docker
   * {@code RepoTags} entry ({@code demo:latest} also matches {@code
   * docker.io/library/demo:latest}). Without it, several images are an error that lists them.
   *
   * <p>Where an image index names platforms, the manifest for {@code wanted} is chosen (the exact
   * variant preferred) and none matching is an error listing those available. Attestation manifests
   * are skipped. An image that names no platform (a single manifest, a docker save) is returned
   * whatever its platform; compare {@link Image#platform()} to warn.
   *
   * @param path the image directory or archive
   * @param wanted the platform to choose, e.g. {@link Platform#host()}
   * @param refName the image to choose among several, or null
   * @return the image: platform, manifest, config and layers, base first
   * @throws ImageFormatException when {@code path} is not an image, or a file is missing or
   *     malformed, naming the file (and, in an archive, the archive first: {@code image.tar:
   *     manifest.json: ...})
   * @throws IOException when reading fails
   */
  public static Image load(Path path, Platform wanted, String refName) throws IOException {
    Objects.requireNonNull(wanted, "wanted");
    Path absolute = path.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      return load(new DirectoryFiles(absolute), null, wanted, refName, path);
    }
    if (Files.isRegularFile(absolute)) {
      return loadArchive(path, null, wanted, refName);
    }
    if (!Files.exists(absolute)) {
      ImageReference reference = parseReference(path.toString());
      if (reference != null) {
        return load(reference, wanted, refName);
      }
      throw new ImageFormatException(path + ": no such file or directory");
    }
    throw new ImageFormatException(
        path
            + " is neither a directory nor a regular file (an archive is read in place and must"
            + " be seekable)");
  }

  /**
   * Loads an image named by a path, or by a reference as skopeo writes one for local images:
   *
   * <ul>
   *   <li>{@code oci:DIR[:TAG]}: an OCI image layout directory; TAG chooses by ref name
   *   <li>{@code oci-archive:FILE[:TAG]}: an OCI image layout in a tar archive
   *   <li>{@code docker-archive:FILE[:NAME:TAG]}: a {@code docker save} archive; NAME:TAG chooses
   *       by {@code RepoTags}
   * </ul>
   *
   * <p>The path ends at its first colon, as in skopeo. Text without one of these prefixes is a
   * path, as for {@link #load(Path, Platform, String)}.
   *
   * @param reference a reference, or a path
   * @param wanted the platform to choose from an index, e.g. {@link Platform#host()}
   * @return the image: platform, manifest, config and layers, base first
   * @throws ImageFormatException also when the reference is malformed, or names a file where a
   *     directory is expected or the other way round
   */
  public static Image load(String reference, Platform wanted) throws IOException {
    Objects.requireNonNull(wanted, "wanted");
    ImageReference parsed = parseReference(reference);
    return parsed == null ? load(Path.of(reference), wanted, null) : load(parsed, wanted, null);
  }

  private static ImageReference parseReference(String text) throws ImageFormatException {
    try {
      return ImageReference.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(e.getMessage(), e);
    }
  }

  private static Image load(ImageReference reference, Platform wanted, String refName)
      throws IOException {
    String name = reference.refName();
    if (refName != null && name != null && !refName.equals(name)) {
      throw new ImageFormatException(
          "the reference "
              + reference.transport().prefix
              + ":"
              + reference.path()
              + ":"
              + name
              + " names \""
              + name
              + "\", but \""
              + refName
              + "\" was asked for");
    }
    if (name == null) {
      name = refName;
    }
    Path path = reference.path();
    Path absolute = path.toAbsolutePath().normalize();
    if (reference.transport().archive) {
      if (!Files.isRegularFile(absolute)) {
        throw new ImageFormatException(
            path
                + (Files.exists(absolute) ? " is not a file" : ": no" + " such file")
                + "; "
                + reference.transport().prefix
                + ": takes a tar archive");
      }
      return loadArchive(path, reference.transport().oci, wanted, name);
    }
    if (!Files.isDirectory(absolute)) {
      throw new ImageFormatException(
          path
              + (Files.exists(absolute) ? " is not a directory" : ": no" + " such directory")
              + "; "
              + reference.transport().prefix
              + ": takes a directory");
    }
    return load(new DirectoryFiles(absolute), reference.transport().oci, wanted, name, path);
  }

  // An archive's messages start with its name: "image.tar: manifest.json: ...".
  private static Image loadArchive(Path file, Boolean oci, Platform wanted, String refName)
      throws IOException {
    ArchiveFiles files = ArchiveFiles.index(file);
    try {
      return load(files, oci, wanted, refName, file);
    } catch (ImageFormatException e) {
      throw new ImageFormatException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * @param oci true for an OCI layout, false for a docker save, null to decide by the files
   * @param shown the path as the caller gave it, for messages
   */
  private static Image load(
      ImageFiles files, Boolean oci, Platform wanted, String refName, Path shown)
      throws IOException {
    boolean index = files.exists(files.resolve("index.json", "index.json"));
    boolean manifest = files.exists(files.resolve("manifest.json", "manifest.json"));
    String layout = files.isArchive() ? "an OCI archive" : "an OCI image layout";
    String save = files.isArchive() ? "a docker save archive" : "a docker save directory";
    String subject = files.isArchive() ? "" : shown + " is ";
    if (Boolean.TRUE.equals(oci) || (oci == null && index)) {
      if (!index) {
        throw new ImageFormatException(subject + "not " + layout + " (no index.json)");
      }
      return OciLayoutLoader.load(files, wanted, refName);
    }
    if (manifest) {
      return DockerSaveLoader.load(files, refName);
    }
    if (oci != null) {
      throw new ImageFormatException(subject + "not " + save + " (no manifest.json)");
    }
    throw new ImageFormatException(
        subject + "not " + layout + " (no index.json) nor " + save + " (no manifest.json)");
  }
}
