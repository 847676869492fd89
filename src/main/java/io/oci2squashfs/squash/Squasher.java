package io.oci2squashfs.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Digester;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageFormatException;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.imagewrite.ConfigRewriter;
import io.oci2squashfs.imagewrite.ImageFormat;
import io.oci2squashfs.imagewrite.ImageWriter;
import io.oci2squashfs.imagewrite.NewLayer;
import io.oci2squashfs.layer.CheckedLayerSource;
import io.oci2squashfs.layer.LayerException;
import io.oci2squashfs.layer.LayerOpener;
import io.oci2squashfs.overlay.LayerMode;
import io.oci2squashfs.overlay.MergeListener;
import io.oci2squashfs.overlay.MergeOptions;
import io.oci2squashfs.overlay.MergePasses;
import io.oci2squashfs.overlay.MergeResult;
import io.oci2squashfs.overlay.MergeWarning;
import io.oci2squashfs.overlay.SymlinkRedirects;
import io.oci2squashfs.overlay.UnsquashableLinkException;
import io.oci2squashfs.registry.PullListener;
import io.oci2squashfs.source.ImageSources;
import io.oci2squashfs.source.OpenedImage;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Squashes an image's top layers into one and writes the new image: the lower layers' blobs are
 * copied byte for byte, the top ones merged (newest first, in the merge's layer mode, so that the
 * whiteouts and opaque markers that still act on the lower layers are kept) into one new layer, and
 * the config and manifest are rewritten. Nothing is left behind on failure.
 */
public final class Squasher {
  private final SquashListener listener;
  private final ImageSources sources;

  /**
   * @param sources opens images, on disk or in registries
   */
  public Squasher(SquashListener listener, ImageSources sources) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.sources = Objects.requireNonNull(sources, "sources");
  }

  /** A squasher that reads registries as this process's environment sets them up. */
  public Squasher(SquashListener listener) {
    this(listener, ImageSources.fromEnvironment());
  }

  /**
   * @throws IOException naming the file, layer and entry at fault
   * @throws IllegalArgumentException when the selection does not fit the image
   */
  public SquashResult squash(SquashRequest request) throws IOException {
    long started = System.nanoTime();
    Path output = request.output().toAbsolutePath().normalize();
    Path dir = output.getParent();
    boolean layout = request.format() == ImageFormat.OCI;
    if (Files.exists(output)
        && !request.force()) { // even an empty directory: squash never merges into one
      throw new FileAlreadyExistsException(
          output.toString(), null, "it exists; use --force to replace it");
    }
    PendingOutput.checkWritable(
        output,
        layout ? PendingOutput.Kind.DIRECTORY : PendingOutput.Kind.FILE,
        request.force(),
        request.format().cliName);
    if (Files.exists(output)) {
      ImageWriter.checkReplaceable(request.format(), output);
    }
    try (OpenedImage opened =
        sources.open(request.image(), request.platform(), PullListener.NONE)) {
      SquashResult result = squash(request, opened.image(), output, started);
      opened.succeeded(listener::warning);
      return result;
    }
  }

  private SquashResult squash(SquashRequest request, Image image, Path output, long started)
      throws IOException {
    Path dir = output.getParent();
    boolean layout = request.format() == ImageFormat.OCI;
    if (image.configJson() == null) {
      throw new ImageFormatException(image.source() + ": no image config to rewrite");
    }
    List<Layer> layers = image.layers();
    int count = layers.size();
    if (count == 0) {
      throw new ImageFormatException(image.source() + ": the image has no layers");
    }
    int first = request.selection().firstSquashed(image);

    // An OCI layout is written in place of its partial directory; an archive from a temporary one.
    // Either way a failure or a signal leaves nothing beside the output.
    try (PendingOutput out =
            layout
                ? PendingOutput.directory(output, request.force())
                : PendingOutput.file(output, request.force());
        TemporaryPath work =
            layout ? null : TemporaryPath.directory(dir, "." + output.getFileName() + ".squash-")) {
      Path staging = layout ? out.partial() : work.path();
      ImageWriter writer = new ImageWriter(staging, listener::warning);
      CheckedLayerSource top =
          new CheckedLayerSource(
              layers, first, count, listener::warning, CheckedLayerSource.Progress.NONE);
      listener.step("merging layers " + first + ".." + (count - 1) + " of " + count);
      NewLayer layer;
      long entries;
      long markers;
      try (Merged merged = merge(top, new LowerDirectories(layers, first), staging)) {
        TarHeader root = merged.result.rootFromLayer() >= 0 ? merged.result.root() : null;
        layer =
            merged.out.finish(
                root, request.compression(), writer.blobDir().resolve("squashed.tmp"));
        entries = merged.out.entries();
        markers = merged.out.markers();
      }
      listener.step("copying " + first + " lower layers");
      List<Digest> keptDiffIds = new ArrayList<>();
      long before = 0;
      long squashedBytes = 0;
      long after = layer.size();
      for (Layer l : layers) {
        long size = l.size() >= 0 ? l.size() : 0;
        before += size;
        if (l.index() >= first) {
          squashedBytes += size;
          continue;
        }
        writer.copyLayer(l, count);
        after += size;
        keptDiffIds.add(l.diffId() != null ? l.diffId() : diffIdOf(l, count));
      }
      writer.addNewLayer(layer);
      ObjectNode config =
          ConfigRewriter.rewrite(
              image.configJson(),
              first,
              count,
              keptDiffIds,
              layer.diffId(),
              request.message(),
              listener::warning);
      Digest id = writer.finish(config, request.format(), request.tag());
      writer.publish(request.format(), out);
      return new SquashResult(
          output,
          count,
          count - first,
          squashedBytes,
          layer.size(),
          before,
          after,
          layer.digest(),
          layer.diffId(),
          id,
          entries,
          markers,
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** A finished layer-mode merge and the writer holding it. */
  private record Merged(MergeResult result, SquashedLayerWriter out) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  private Merged merge(CheckedLayerSource top, LowerDirectories lower, Path workDir)
      throws IOException {
    // lower symlinks of the squashed layers with newer squashed entries below them are followed, as
    // runtimes would when applying those layers; symlinks below them are left to the runtime
    MergeOptions options =
        MergeOptions.DEFAULT
            .withLayerMode(new LayerMode(lower::has))
            .withRedirects(SymlinkRedirects.none());
    Set<String> said = new HashSet<>();
    MergeListener warnings =
        new MergeListener() {
          @Override
          public void warning(MergeWarning w) {
            String where = w.layer() >= 0 ? top.describe(w.layer()) : "squashed layers";
            String message = where + ": " + w.entry().display() + ": " + w.message();
            if (said.add(message)) { // a second pass repeats the first one's warnings
              listener.warning(message);
            }
          }
        };
    LayerWriters writers = new LayerWriters(workDir);
    try {
      MergePasses.Settled<SquashedLayerWriter> settled =
          MergePasses.settle(
              top,
              options,
              warnings,
              writers,
              (pass, why) ->
                  listener.warning(why.reason() + "; reading the layers again " + why.purpose()));
      return new Merged(settled.result(), settled.output());
    } catch (UnsquashableLinkException e) {
      writers.closeCurrent();
      throw new IOException(
          top.describe(e.layer())
              + ": "
              + e.link().display()
              + ": a hard link to "
              + e.target().display()
              + " of a lower layer, which a later squashed layer replaces or removes;"
              + " one layer cannot express that: squash more or fewer layers",
          e);
    } catch (UncheckedIOException e) {
      writers.closeCurrent();
      throw e.getCause();
    } catch (IOException | RuntimeException e) {
      writers.closeCurrent();
      throw e;
    }
  }

  /** A fresh squashed-layer writer for each pass of the merge. */
  private static final class LayerWriters implements MergePasses.Outputs<SquashedLayerWriter> {
    private final Path workDir;
    private SquashedLayerWriter current;

    LayerWriters(Path workDir) {
      this.workDir = workDir;
    }

    @Override
    public SquashedLayerWriter open() throws IOException {
      current = new SquashedLayerWriter(workDir);
      return current;
    }

    @Override
    public void discard(SquashedLayerWriter writer, MergeResult.Repeat why) throws IOException {
      writer.close();
    }

    void closeCurrent() throws IOException {
      if (current != null) {
        current.close();
      }
    }
  }

  /** The uncompressed tar's digest, for a layer whose config does not list it. */
  private static Digest diffIdOf(Layer layer, int count) throws IOException {
    try (InputStream tar = LayerOpener.open(layer.open(), layer.mediaType(), w -> {})) {
      return Digester.sha256().readAll(tar, new byte[256 * 1024]).digest();
    } catch (IOException e) {
      throw LayerException.wrap(e, layer.index(), count, layer.label());
    }
  }
}
