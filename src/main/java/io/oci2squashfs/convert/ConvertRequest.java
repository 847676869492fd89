package io.oci2squashfs.convert;

import io.oci2squashfs.image.Platform;
import io.oci2squashfs.sink.MksquashfsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to convert and how.
 *
 * @param image an OCI image layout or {@code docker save} directory
 * @param output the squashfs or tar file, or the directory, to write; {@link #STDOUT} for a tar on
 *     standard output
 * @param platform which image to take from a multi-platform index
 * @param squashfs how mksquashfs builds the image
 * @param mksquashfs the mksquashfs to run: a path, or a name looked up on PATH
 * @param force replace {@code output} if it exists (for a directory: if it is not empty)
 * @param format what to write
 */
public record ConvertRequest(
    Path image,
    Path output,
    Platform platform,
    MksquashfsOptions squashfs,
    String mksquashfs,
    boolean force,
    OutputFormat format) {
  /** The output that means standard output (a tar only). */
  public static final Path STDOUT = Path.of("-");

  public ConvertRequest {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(squashfs, "squashfs");
    Objects.requireNonNull(mksquashfs, "mksquashfs");
    Objects.requireNonNull(format, "format");
  }

  /**
   * Defaults: the host's platform, zstd level 3, mksquashfs from PATH, no replacing, the format the
   * output's name implies ({@link OutputFormat#forOutput}).
   */
  public static ConvertRequest of(Path image, Path output) {
    return new ConvertRequest(image, output, Platform.host(), MksquashfsOptions.DEFAULT, "mksquashfs", false,
        OutputFormat.forOutput(output.toString(), Files.isDirectory(output)));
  }

  /** Whether the output is standard output. */
  public boolean toStdout() {
    return output.equals(STDOUT);
  }

  public ConvertRequest withPlatform(Platform p) {
    return new ConvertRequest(image, output, p, squashfs, mksquashfs, force, format);
  }

  public ConvertRequest withSquashfs(MksquashfsOptions o) {
    return new ConvertRequest(image, output, platform, o, mksquashfs, force, format);
  }

  public ConvertRequest withMksquashfs(String nameOrPath) {
    return new ConvertRequest(image, output, platform, squashfs, nameOrPath, force, format);
  }

  public ConvertRequest withForce(boolean f) {
    return new ConvertRequest(image, output, platform, squashfs, mksquashfs, f, format);
  }

  public ConvertRequest withFormat(OutputFormat f) {
    return new ConvertRequest(image, output, platform, squashfs, mksquashfs, force, f);
  }
}
