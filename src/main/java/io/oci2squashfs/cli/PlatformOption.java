package io.oci2squashfs.cli;

import io.oci2squashfs.image.Platform;
import picocli.CommandLine.Option;

/** {@code --platform}, mixed into every command that takes an image from a multi-platform index. */
final class PlatformOption {
  @Option(
      names = "--platform",
      paramLabel = PlatformConverter.FORM,
      converter = PlatformConverter.class,
      description =
          "The image to take from a multi-platform index"
              + " (default: this machine's, e.g. linux/amd64).")
  Platform given;

  /** The platform asked for, else this machine's. */
  Platform orHost() {
    return given != null ? given : Platform.host();
  }
}
