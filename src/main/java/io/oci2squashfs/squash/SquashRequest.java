package io.oci2squashfs.squash;

import io.oci2squashfs.image.Platform;
import io.oci2squashfs.imagewrite.ImageFormat;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to squash and where to.
 *
 * @param image the image: a directory, an archive or an {@code oci:}/{@code oci-archive:}/{@code
 *     docker-archive:} reference
 * @param output the image to write (a directory for {@link ImageFormat#OCI}, else a file)
 * @param selection which top layers become one
 * @param format the output's format
 * @param tag {@code REPO:TAG} for the output, or null
 * @param message the history entry's {@code created_by} for the new layer
 * @param compression the new layer's compression
 * @param platform the platform to choose from a multi-platform image
 * @param force replace an existing output
 */
public record SquashRequest(
    String image,
    Path output,
    LayerSelection selection,
    ImageFormat format,
    String tag,
    String message,
    LayerCompression compression,
    Platform platform,
    boolean force) {
  public SquashRequest {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(platform, "platform");
    if (message == null) {
      message = "oci2squashfs squash";
    }
  }

  public static SquashRequest of(
      String image, Path output, LayerSelection selection, ImageFormat format) {
    return new SquashRequest(
        image,
        output,
        selection,
        format,
        null,
        null,
        LayerCompression.GZIP,
        Platform.host(),
        false);
  }

  public SquashRequest withTag(String t) {
    return new SquashRequest(
        image, output, selection, format, t, message, compression, platform, force);
  }

  public SquashRequest withMessage(String m) {
    return new SquashRequest(
        image, output, selection, format, tag, m, compression, platform, force);
  }

  public SquashRequest withCompression(LayerCompression c) {
    return new SquashRequest(image, output, selection, format, tag, message, c, platform, force);
  }

  public SquashRequest withPlatform(Platform p) {
    return new SquashRequest(image, output, selection, format, tag, message, compression, p, force);
  }

  public SquashRequest withForce(boolean f) {
    return new SquashRequest(
        image, output, selection, format, tag, message, compression, platform, f);
  }
}
