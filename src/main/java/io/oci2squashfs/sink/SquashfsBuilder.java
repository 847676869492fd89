package io.oci2squashfs.sink;

import io.oci2squashfs.tar.TarHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** mksquashfs 4.6 or newer, reading a tar on standard input ({@code -tar}). */
public record SquashfsBuilder(MksquashfsTool tool, MksquashfsOptions options)
    implements FilesystemBuilder {
  private static final long MAX_SQUASHFS_TIME = 0xFFFF_FFFFL;

  public SquashfsBuilder {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(options, "options");
  }

  @Override
  public String toolName() {
    return MksquashfsTool.NAME;
  }

  @Override
  public String filesystemName() {
    return "squashfs";
  }

  @Override
  public List<String> command(Path image, TarHeader root) {
    List<String> cmd =
        new ArrayList<>(List.of(tool.executable().toString(), "-", image.toString(), "-tar"));
    cmd.addAll(options.arguments());
    // mksquashfs ignores a root entry in the stream: the root's attributes go as options
    long rootTime = Math.max(0, Math.min(MAX_SQUASHFS_TIME, root.mtime().seconds()));
    cmd.addAll(
        List.of(
            "-root-mode",
            String.format("%04o", root.mode()),
            "-root-uid",
            Long.toString(root.uid()),
            "-root-gid",
            Long.toString(root.gid()),
            "-root-time",
            Long.toString(options.allTime() != null ? options.allTime() : rootTime)));
    // the -root-* options carry no xattrs; a pseudo definition on "/" does, hex-encoded byte for
    // byte
    root.xattrs()
        .forEach(
            (name, value) ->
                cmd.addAll(List.of("-p", "/ x " + name + "=0x" + HexFormat.of().formatHex(value))));
    return cmd;
  }

  @Override
  public boolean rootInStream() {
    return false; // mksquashfs ignores a root entry; the -root-* options carry it
  }

  @Override
  public void environment(Map<String, String> env) {
    if (!options.keepSourceDateEpoch()) {
      env.remove("SOURCE_DATE_EPOCH"); // it would override the layers' times
    }
  }

  @Override
  public long minTime() {
    return 0;
  }

  @Override
  public long maxTime() {
    return MAX_SQUASHFS_TIME; // squashfs keeps unsigned 32-bit seconds
  }

  @Override
  public boolean keepsNanoseconds() {
    return false;
  }

  @Override
  public String installHint() {
    return MksquashfsTool.INSTALL_HINT;
  }
}
