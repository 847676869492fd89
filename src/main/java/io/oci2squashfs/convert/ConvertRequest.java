package io.oci2squashfs.convert;

import io.oci2squashfs.image.Platform;
import io.oci2squashfs.sink.MksquashfsOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to convert and how: an immutable value, built with {@link #of} and the {@code with*}
 * methods.
 *
 * <pre>{@code
 * ConvertRequest r = ConvertRequest.of(Path.of("app.tar"), Path.of("app.squashfs"))
 *     .withPlatform(Platform.parse("linux/arm64"))
 *     .withSquashfs(MksquashfsOptions.DEFAULT.withCompression(SquashfsCompression.parse("xz:9")))
 *     .withForce(true);
 * }</pre>
 *
 * @param image an OCI image layout or a {@code docker save}, as a directory or a plain tar archive
 *     (read in place), or a skopeo-style reference ({@code oci:DIR[:TAG]},
 *     {@code oci-archive:FILE[:TAG]}, {@code docker-archive:FILE[:NAME:TAG]}); see
 *     {@link io.oci2squashfs.image.ImageLoader#load(Path, Platform)}
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

  /**
   * A request with the defaults: the host's platform, zstd level 3, mksquashfs from PATH, no
   * replacing.
   *
   * @param image the image, in any of the forms {@link #image()} takes
   * @param output the squashfs file to write
   * @return the request
   */
  public static ConvertRequest of(Path image, Path output) {
    return new ConvertRequest(image, output, Platform.host(), MksquashfsOptions.DEFAULT, "mksquashfs", false);
  }

  /**
   * @param p the platform to take from a multi-platform index, e.g. {@code Platform.parse("linux/arm64")}
   * @return a copy with that platform
   */
  public ConvertRequest withPlatform(Platform p) {
    return new ConvertRequest(image, output, p, squashfs, mksquashfs, force);
  }

  /**
   * @param o compression, block size, times and reproducibility of the squashfs
   * @return a copy with those options
   */
  public ConvertRequest withSquashfs(MksquashfsOptions o) {
    return new ConvertRequest(image, output, platform, o, mksquashfs, force);
  }

  /**
   * @param nameOrPath the mksquashfs to run (4.6 or newer): a path, or a name looked up on PATH
   * @return a copy that runs it
   */
  public ConvertRequest withMksquashfs(String nameOrPath) {
    return new ConvertRequest(image, output, platform, squashfs, nameOrPath, force);
  }

  /**
   * @param f whether an existing output file is replaced (atomically, once the new one is complete)
   * @return a copy with that choice
   */
  public ConvertRequest withForce(boolean f) {
    return new ConvertRequest(image, output, platform, squashfs, mksquashfs, f);
  }
}
