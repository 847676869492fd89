package io.oci2squashfs.cli;

import io.oci2squashfs.image.Platform;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns a {@code --platform} value into a {@link Platform}; a bad one is a usage error. */
final class PlatformConverter implements ITypeConverter<Platform> {
  /** What a value looks like, as the option's help shows it. */
  static final String FORM = "OS/ARCH[/VARIANT]";

  @Override
  public Platform convert(String value) {
    try {
      return Platform.parse(value);
    } catch (IllegalArgumentException e) {
      // picocli puts "Invalid value for option '--platform': " before it
      throw new TypeConversionException(
          "\"" + value + "\" is not " + FORM + ", e.g. linux/amd64 or linux/arm64/v8");
    }
  }
}
