package io.oci2squashfs.sink;

import io.oci2squashfs.tar.TarHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * mkfs.erofs 1.7 or newer, reading a tar on standard input ({@code --tar=f}): it takes the root's
 * attributes, xattrs, hard links, devices and sub-second times from the tar as it is written.
 */
public record ErofsBuilder(MkfsErofsTool tool, ErofsOptions options) implements FilesystemBuilder {
  public ErofsBuilder {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(options, "options");
  }

  @Override
  public ErofsBuilder forImage(String seed) {
    return new ErofsBuilder(tool, options.withUuidFrom(seed));
  }

  @Override
  public String toolName() {
    return MkfsErofsTool.NAME;
  }

  @Override
  public String filesystemName() {
    return "erofs";
  }

  @Override
  public List<String> command(Path image, TarHeader root) {
    List<String> cmd = new ArrayList<>(List.of(tool.executable().toString()));
    cmd.addAll(options.arguments(tool));
    cmd.add(image.toString()); // no source: the tar comes on standard input
    return cmd;
  }

  @Override
  public boolean rootInStream() {
    return true;
  }

  @Override
  public void environment(Map<String, String> env) {
    if (!options.keepSourceDateEpoch()) {
      env.remove("SOURCE_DATE_EPOCH"); // it would set the build time
    }
  }

  @Override
  public long minTime() {
    return Long.MIN_VALUE; // extended inodes keep 64-bit seconds
  }

  @Override
  public long maxTime() {
    return Long.MAX_VALUE;
  }

  @Override
  public boolean keepsNanoseconds() {
    return true;
  }

  @Override
  public String deviceFault(int major, int minor) {
    // erofs-utils' tar reader (1.7 to 1.8.6 at least) shifts the minor as a signed int, so bit 19
    // becomes the sign and smears over the minor's top bits; scripts/setup builds a fixed one
    if (minor < (1 << 19) || minor >= (1 << 20) || tool.fixedDeviceNumbers()) {
      return null;
    }
    return "mkfs.erofs "
        + tool.version()
        + " stores device minors 524288 to 1048575 wrongly (erofs-utils lib/tar.c);"
        + " scripts/setup builds one that does not";
  }

  @Override
  public String installHint() {
    return MkfsErofsTool.INSTALL_HINT;
  }
}
