package io.oci2squashfs.image;

import java.util.Locale;
import java.util.Objects;

/**
 * An image platform: {@code linux/amd64}, {@code linux/arm64/v8}. {@code variant} is null when not
 * given.
 */
public record Platform(String os, String architecture, String variant) {
  public Platform {
    if (os == null || os.isBlank() || architecture == null || architecture.isBlank()) {
      throw new IllegalArgumentException(
          "a platform needs an os and an architecture, got " + os + "/" + architecture);
    }
    variant = variant == null || variant.isBlank() ? null : variant;
  }

  public static Platform of(String os, String architecture) {
    return new Platform(os, architecture, null);
  }

  /**
   * Parses {@code os/arch} or {@code os/arch/variant}, as {@code docker --platform} takes it.
   *
   * @throws IllegalArgumentException for any other shape
   */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform \"" + text + "\" (expected os/arch or os/arch/variant)");
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid platform \"" + text + "\" (expected os/arch or os/arch/variant)");
      }
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * The platform this JVM runs on, as image indexes name it. The os is always {@code linux}:
   * container images are Linux images even when converted on another system.
   */
  public static Platform host() {
    return fromJavaArch(System.getProperty("os.arch", ""));
  }

  /** Maps a Java {@code os.arch} value ({@code amd64}, {@code aarch64}, ...) to a platform. */
  static Platform fromJavaArch(String javaArch) {
    String arch = javaArch.toLowerCase(Locale.ROOT);
    switch (arch) {
      case "amd64":
      case "x86_64":
        return new Platform("linux", "amd64", null);
      case "aarch64":
      case "arm64":
        return new Platform("linux", "arm64", "v8");
      case "x86":
      case "i386":
      case "i486":
      case "i586":
      case "i686":
        return new Platform("linux", "386", null);
      default:
        // arm, ppc64le, s390x, riscv64, ... are spelled the same by Java and by OCI.
        return new Platform("linux", arch, null);
    }
  }

  /**
   * True when {@code candidate} (from an image index) can serve a request for this platform: os and
   * architecture are equal, and this platform has no variant or the same one. An absent variant
   * counts as the architecture's default ({@code arm64} is {@code v8}, {@code arm} is {@code v7}),
   * as containerd does.
   */
  public boolean matches(Platform candidate) {
    return os.equals(candidate.os)
        && architecture.equals(candidate.architecture)
        && (variant == null || Objects.equals(normalVariant(), candidate.normalVariant()));
  }

  /** True when {@code candidate} matches and has the very variant asked for (after defaults). */
  public boolean matchesExactly(Platform candidate) {
    return matches(candidate) && Objects.equals(normalVariant(), candidate.normalVariant());
  }

  private String normalVariant() {
    if (variant != null) {
      return variant;
    }
    switch (architecture) {
      case "arm64":
        return "v8";
      case "arm":
        return "v7";
      default:
        return null;
    }
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
