package io.oci2squashfs.verify;

import io.oci2squashfs.image.Platform;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the image is checked against: a directory tree, or a container image that is unpacked with
 * {@code umoci unpack} into a temporary directory, removed afterwards.
 *
 * @param directory the reference tree, or null for an image
 * @param image an OCI image layout, or null for a directory
 * @param tag the tag within {@code image}; null for a directory, and for the image {@code convert}
 *     would read from the layout (its choice of image and platform; no tag needed)
 * @param platform with no tag, the platform to take from a multi-platform image; null for the
 *     host's, as {@code convert} takes it
 */
public record Reference(Path directory, Path image, String tag, Platform platform) {
  public Reference {
    if ((directory == null) == (image == null)) {
      throw new IllegalArgumentException("a reference is a directory or an image, exactly one");
    }
    if (image != null) {
      if (tag != null && tag.isEmpty()) {
        throw new IllegalArgumentException("empty tag in image reference " + image + ":");
      }
    }
  }

  public static Reference directory(Path directory) {
    return new Reference(directory, null, null, null);
  }

  public static Reference image(Path layout, String tag) {
    return new Reference(null, layout, tag, null);
  }

  /** An image layout whose tag is chosen from its {@code index.json} (see {@link #tag()}). */
  public static Reference image(Path layout) {
    return new Reference(null, layout, null, null);
  }

  /**
   * This untagged image reference, taking {@code p} from a multi-platform image (as {@code convert
   * --platform}).
   */
  public Reference withPlatform(Platform p) {
    if (!isImage() || tag != null) {
      throw new IllegalArgumentException(
          "a platform chooses only within an image given without a tag");
    }
    return new Reference(null, image, null, p);
  }

  /**
   * Parses umoci's {@code DIR[:TAG]}: a string naming an existing directory as a whole is that
   * directory, its tag chosen from the layout; otherwise the text after the last colon is the tag.
   */
  public static Reference parseImage(String dirAndTag) {
    int colon = dirAndTag.lastIndexOf(':');
    if (colon < 0 || Files.isDirectory(Path.of(dirAndTag)) || dirAndTag.indexOf('/', colon) >= 0) {
      return image(Path.of(dirAndTag));
    }
    return image(Path.of(dirAndTag.substring(0, colon)), dirAndTag.substring(colon + 1));
  }

  public boolean isImage() {
    return image != null;
  }

  /** As reports show it: the directory, or {@code DIR:TAG}. */
  public String describe() {
    return !isImage() ? directory.toString() : tag == null ? image.toString() : image + ":" + tag;
  }
}
