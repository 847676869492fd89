package io.oci2squashfs.convert;

import io.oci2squashfs.image.Platform;
import io.oci2squashfs.sink.MksquashfsOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to convert and how.
 *
 * @param image an OCI image layout or {@code docker save} directory
 * @param output the squashfs file to write
 * @param platform which image to take from a multi-platform index
 * @param squashfs how mksquashfs builds the image
 * @param mksquashfs the mksquashfs to run: a path, or a name looked up on PATH
 * @param force replace {@code output} if it exists
 */
public record ConvertRequest(
    Path image,
    Path output,
    Platform platform,
    MksquashfsOptions squashfs,
    String mksquashfs,
    boolean force) {
  public ConvertRequest {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(squashfs, "squashfs");
    Objects.requireNonNull(mksquashfs, "mksquashfs");
  }

  /** Defaults: the host's platform, zstd level 3, mksquashfs from PATH, no replacing. */
  public static ConvertRequest of(Path image, Path output) {
    return new ConvertRequest(image, output, Platform.host(), MksquashfsOptions.DEFAULT, "mksquashfs", false);
  }

  public ConvertRequest withPlatform(Platform p) {
    return new ConvertRequest(image, output, p, squashfs, mksquashfs, force);
  }

  public ConvertRequest withSquashfs(MksquashfsOptions o) {
    return new ConvertRequest(image, output, platform, o, mksquashfs, force);
  }

  public ConvertRequest withMksquashfs(String nameOrPath) {
    return new ConvertRequest(image, output, platform, squashfs, nameOrPath, force);
  }

  public ConvertRequest withForce(boolean f) {
    return new ConvertRequest(image, output, platform, squashfs, mksquashfs, f);
  }
}
