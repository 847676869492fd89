package io.oci2squashfs.squash;

import io.oci2squashfs.image.Layer;
import io.oci2squashfs.layer.CheckedLayerSource;
import io.oci2squashfs.overlay.MergeListener;
import io.oci2squashfs.overlay.MergeOptions;
import io.oci2squashfs.overlay.MergeOutput;
import io.oci2squashfs.overlay.MergePasses;
import io.oci2squashfs.overlay.MergeResult;
import io.oci2squashfs.overlay.SymlinkRedirects;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories (and symlinks, which entries below them go through) of the layers below the
 * squashed ones, found by merging them (headers only) the first time someone asks: the layer-mode
 * merge asks only in a rare case, so most squashes never read the lower layers' content.
 */
final class LowerDirectories {
  private final List<Layer> layers;
  private final int count;
  private Set<EntryPath> dirs;

  LowerDirectories(List<Layer> layers, int count) {
    this.layers = layers;
    this.count = count;
  }

  /**
   * Whether the lower layers, applied, hold a directory at {@code path}, or a symlink: the squashed
   * layer must not write a directory over a link that its entries went through.
   */
  boolean has(EntryPath path) {
    if (dirs == null) {
      try {
        dirs = scan(MergeOptions.DEFAULT.withRedirects(SymlinkRedirects.none()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dirs.contains(path);
  }

  private Set<EntryPath> scan(MergeOptions first) throws IOException {
    CheckedLayerSource lower =
        new CheckedLayerSource(layers, 0, count, w -> {}, CheckedLayerSource.Progress.NONE);
    MergePasses.Outputs<Found> passes =
        new MergePasses.Outputs<>() {
          @Override
          public Found open() {
            return new Found();
          }

          @Override
          public void discard(Found found, MergeResult.Repeat why) {
            // nothing was written anywhere
          }
        };
    return MergePasses.settle(lower, first, MergeListener.NONE, passes, (pass, why) -> {})
        .output()
        .paths;
  }

  /** The directories and symlinks one pass wrote. */
  private static final class Found implements MergeOutput {
    final Set<EntryPath> paths = new HashSet<>();

    @Override
    public void write(TarHeader h, InputStream content) {
      if (h.type() == EntryType.DIRECTORY || h.type() == EntryType.SYMLINK) {
        paths.add(h.path());
      }
    }
  }
}
