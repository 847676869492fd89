package io.oci2squashfs.convert;

import io.oci2squashfs.image.Platform;
import io.oci2squashfs.sink.ErofsOptions;
import io.oci2squashfs.sink.MksquashfsOptions;
import java.nio.file.Files;
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
 * @param image {@code docker://[REGISTRY/]REPO[:TAG|@DIGEST]} for a registry; an OCI image layout
 *     or a {@code docker save}, as a directory or a plain tar archive (read in place); or a
 *     skopeo-style reference ({@code oci:DIR[:TAG]}, {@code oci-archive:FILE[:TAG]}, {@code
 *     docker-archive:FILE[:NAME:TAG]}); see {@link io.oci2squashfs.image.ImageLoader#load(Path,
 *     Platform)}
 * @param output the squashfs or tar file, or the directory, to write; {@link #STDOUT} for a tar on
 *     standard output
 * @param platform which image to take from a multi-platform index
 * @param squashfs how mksquashfs builds the image
 * @param mksquashfs the mksquashfs to run: a path, or a name looked up on PATH
 * @param force replace {@code output} if it exists (for a directory: if it is not empty)
 * @param format what to write
 * @param erofs how mkfs.erofs builds an erofs image
 * @param mkfsErofs the mkfs.erofs to run: a path, or a name looked up on PATH
 * @param verity whether a filesystem image gets a dm-verity tree, and where
 */
public record ConvertRequest(
    String image,
    Path output,
    Platform platform,
    MksquashfsOptions squashfs,
    String mksquashfs,
    boolean force,
    OutputFormat format,
    ErofsOptions erofs,
    String mkfsErofs,
    VerityOutput verity) {
  /** The output that means standard output (a tar only). */
  public static final Path STDOUT = Path.of("-");

  public ConvertRequest {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(squashfs, "squashfs");
    Objects.requireNonNull(mksquashfs, "mksquashfs");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(erofs, "erofs");
    Objects.requireNonNull(mkfsErofs, "mkfsErofs");
    Objects.requireNonNull(verity, "verity");
  }

  /**
   * A request with the defaults: the host's platform, zstd level 3, mksquashfs from PATH, no
   * replacing, the format the output's name implies ({@link OutputFormat#forOutput}).
   *
   * @param image the image, in any of the forms {@link #image()} takes
   * @param output the squashfs or tar file, or the directory, to write
   * @return the request
   */
  public static ConvertRequest of(Path image, Path output) {
    return of(image.toString(), output);
  }

  /**
   * A request with the defaults, for an image named as {@link #image()} takes it: a path, or a
   * {@code docker://} or skopeo-style reference.
   */
  public static ConvertRequest of(String image, Path output) {
    return new ConvertRequest(
        image,
        output,
        Platform.host(),
        MksquashfsOptions.DEFAULT,
        "mksquashfs",
        false,
        OutputFormat.forOutput(output.toString(), Files.isDirectory(output)),
        ErofsOptions.DEFAULT,
        "mkfs.erofs",
        VerityOutput.NONE);
  }

  /**
   * The time every entry gets, or null to keep the layers' own: the erofs options' for an erofs
   * image, else the squashfs options' (which a tar or a directory takes too).
   */
  public Long allTime() {
    return format == OutputFormat.EROFS ? erofs.allTime() : squashfs.allTime();
  }

  /** Whether the output is standard output. */
  public boolean toStdout() {
    return output.equals(STDOUT);
  }

  /**
   * @param p the platform to take from a multi-platform index, e.g. {@code
   *     Platform.parse("linux/arm64")}
   * @return a copy with that platform
   */
  public ConvertRequest withPlatform(Platform p) {
    return new ConvertRequest(
        image, output, p, squashfs, mksquashfs, force, format, erofs, mkfsErofs, verity);
  }

  /**
   * @param o compression, block size, times and reproducibility of the squashfs
   * @return a copy with those options
   */
  public ConvertRequest withSquashfs(MksquashfsOptions o) {
    return new ConvertRequest(
        image, output, platform, o, mksquashfs, force, format, erofs, mkfsErofs, verity);
  }

  /**
   * @param nameOrPath the mksquashfs to run (4.6 or newer): a path, or a name looked up on PATH
   * @return a copy that runs it
   */
  public ConvertRequest withMksquashfs(String nameOrPath) {
    return new ConvertRequest(
        image, output, platform, squashfs, nameOrPath, force, format, erofs, mkfsErofs, verity);
  }

  /**
   * @param f whether an existing output file is replaced (atomically, once the new one is complete)
   * @return a copy with that choice
   */
  public ConvertRequest withForce(boolean f) {
    return new ConvertRequest(
        image, output, platform, squashfs, mksquashfs, f, format, erofs, mkfsErofs, verity);
  }

  public ConvertRequest withFormat(OutputFormat f) {
    return new ConvertRequest(
        image, output, platform, squashfs, mksquashfs, force, f, erofs, mkfsErofs, verity);
  }

  /**
   * @param o compression, block size, times and UUID of an erofs image
   * @return a copy with those options
   */
  public ConvertRequest withErofs(ErofsOptions o) {
    return new ConvertRequest(
        image, output, platform, squashfs, mksquashfs, force, format, o, mkfsErofs, verity);
  }

  /**
   * @param nameOrPath the mkfs.erofs to run (1.7 or newer): a path, or a name looked up on PATH
   * @return a copy that runs it
   */
  public ConvertRequest withMkfsErofs(String nameOrPath) {
    return new ConvertRequest(
        image, output, platform, squashfs, mksquashfs, force, format, erofs, nameOrPath, verity);
  }

  /**
   * @param v whether a squashfs or erofs image gets a dm-verity tree, and where
   * @return a copy with that choice
   */
  public ConvertRequest withVerity(VerityOutput v) {
    return new ConvertRequest(
        image, output, platform, squashfs, mksquashfs, force, format, erofs, mkfsErofs, v);
  }
}
