package io.oci2squashfs.convert;

import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.overlay.LayerMerger;
import io.oci2squashfs.overlay.MergeListener;
import io.oci2squashfs.overlay.MergeOptions;
import io.oci2squashfs.overlay.MergeResult;
import io.oci2squashfs.overlay.MergeWarning;
import io.oci2squashfs.overlay.RootProbe;
import io.oci2squashfs.sink.MksquashfsSink;
import io.oci2squashfs.sink.MksquashfsTool;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.Objects;

/**
 * Converts a container image into a squashfs image: loads the image, merges its layers newest
 * first and streams the merged tar into mksquashfs. Nothing is extracted to disk and no file's
 * content is held whole in memory. On failure no output file is left behind.
 */
public final class Converter {
  private static final int MAX_REMEMBERED_WARNINGS = 100_000;

  private final ConvertListener listener;

  public Converter(ConvertListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public Converter() {
    this(ConvertListener.NONE);
  }

  /**
   * Runs one conversion.
   *
   * @throws IOException with a message naming the file, layer and entry at fault: an
   *     {@code ImageFormatException}, a {@code LayerException} or a {@code ToolException}
   */
  public ConvertResult convert(ConvertRequest request) throws IOException {
    long started = System.nanoTime();
    Path output = request.output().toAbsolutePath();
    checkOutput(output, request.force());
    MksquashfsTool tool = MksquashfsTool.locate(request.mksquashfs());
    Image image = ImageLoader.load(request.image(), request.platform());
    listener.imageLoaded(image);

    ImageLayers layers = new ImageLayers(image, listener::warning, listener::layerProgress);
    RootProbe.Found probe = RootProbe.find(layers);
    Long allTime = request.squashfs().allTime();
    Mtime implicitTime = Mtime.ofSeconds(allTime != null ? allTime : 0);
    TarHeader root = probe != null ? probe.root()
        : TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY).withMtime(implicitTime);

    MergeListener mergeListener = new MergeListener() {
      // a second pass repeats the first one's warnings; say each once
      private final Set<String> said = new HashSet<>();

      @Override
      public void layerStarted(int layer, int count) {
        listener.layerStarted(layer, count, layers.digestOf(layer), image.layers().get(layer).size());
      }

      @Override
      public void layerFinished(int layer, int count) {
        listener.layerFinished(layer, count);
      }

      @Override
      public void warning(MergeWarning w) {
        String where = w.layer() >= 0 ? layers.describe(w.layer()) : "image";
        String message = where + ": " + w.entry().shortDisplay() + ": " + w.message();
        if (said.size() > MAX_REMEMBERED_WARNINGS || said.add(message)) {
          listener.warning(message);
        }
      }
    };
    MergeOptions options = new MergeOptions(implicitTime);
    MksquashfsSink sink = MksquashfsSink.start(tool, request.squashfs(), output, root, request.force());
    try {
      listener.mksquashfsStarted(sink.command());
      MergeResult merged = new LayerMerger(options, mergeListener).merge(layers, sink);
      // At most two more passes: one once duplicates are known, one once the root is.
      for (int pass = 2; pass <= 3; pass++) {
        if (merged.needsSecondPass()) {
          listener.warning(merged.duplicates().size() + " paths appear more than once within one layer;"
              + " reading the image again so that the last entry of each wins, as tar would");
          options = options.withDuplicates(merged.duplicates());
        } else if (!sameRootAttributes(root, merged.root())) {
          listener.warning(layers.describe(merged.rootFromLayer()) + ": its root entry is not the"
              + " layer's first entry; reading the image again to give its attributes to mksquashfs");
          root = merged.root();
        } else {
          break;
        }
        sink.close();
        sink = MksquashfsSink.start(tool, request.squashfs(), output, root, request.force());
        merged = new LayerMerger(options, mergeListener).merge(layers, sink);
      }
      String summary = sink.commit();
      if (sink.timesClamped() > 0) {
        listener.warning(sink.timesClamped() + " entries had mtimes outside 1970..2106, which squashfs"
            + " cannot hold; they were clamped");
      }
      return new ConvertResult(output, image.source(), image.layers().size(), merged,
          sink.bytesWritten(), Files.size(output), Duration.ofNanos(System.nanoTime() - started), summary);
    } finally {
      sink.close(); // after a commit this does nothing; otherwise it stops mksquashfs and deletes its output
    }
  }

  /** What mksquashfs is told about the root: mode, owner, time and xattrs. */
  private static boolean sameRootAttributes(TarHeader a, TarHeader b) {
    return a.mode() == b.mode() && a.uid() == b.uid() && a.gid() == b.gid()
        && a.mtime().seconds() == b.mtime().seconds()
        && a.xattrs().keySet().equals(b.xattrs().keySet())
        && a.xattrs().keySet().stream().allMatch(k -> Arrays.equals(a.xattrs().get(k), b.xattrs().get(k)));
  }

  private static void checkOutput(Path output, boolean force) throws IOException {
    Path dir = output.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NoSuchFileException(String.valueOf(dir), null, "the output's directory does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new IOException(dir + ": the output's directory is not writable");
    }
    if (Files.isDirectory(output)) {
      throw new IOException(output + ": is a directory; give a file name for the squashfs image");
    }
    if (Files.exists(output) && !force) {
      throw new FileAlreadyExistsException(output.toString(), null, "it exists; use --force to replace it");
    }
  }
}
