package io.oci2squashfs.convert;

import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.extract.DirectorySink;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.layer.CheckedLayerSource;
import io.oci2squashfs.overlay.MergeListener;
import io.oci2squashfs.overlay.MergeOptions;
import io.oci2squashfs.overlay.MergePasses;
import io.oci2squashfs.overlay.MergeResult;
import io.oci2squashfs.overlay.MergeWarning;
import io.oci2squashfs.overlay.RootProbe;
import io.oci2squashfs.overlay.SymlinkRedirects;
import io.oci2squashfs.registry.RegistryImage;
import io.oci2squashfs.sink.ErofsBuilder;
import io.oci2squashfs.sink.FilesystemBuilder;
import io.oci2squashfs.sink.FilesystemSink;
import io.oci2squashfs.sink.MkfsErofsTool;
import io.oci2squashfs.sink.MksquashfsTool;
import io.oci2squashfs.sink.OutputSink;
import io.oci2squashfs.sink.SquashfsBuilder;
import io.oci2squashfs.sink.TarSink;
import io.oci2squashfs.source.ImageSources;
import io.oci2squashfs.source.OpenedImage;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Converts a container image into a squashfs image, a tar or a directory: loads the image, merges
 * its layers newest first and streams the merged entries into mksquashfs, a PAX tar, or a safe
 * extraction ({@link OutputFormat}). No file's content is held whole in memory. On failure no
 * output is left behind.
 *
 * <pre>{@code
 * ConvertResult r = new Converter().convert(
 *     ConvertRequest.of(Path.of("image-dir"), Path.of("rootfs.squashfs")).withForce(true));
 * System.out.println(r.merge().entriesWritten() + " entries, " + r.outputBytes() + " bytes");
 * }</pre>
 *
 * <p>A converter holds no state between conversions; one instance may run several, one after
 * another or at once (the listener then hears them interleaved). A squashfs needs mksquashfs 4.6 or
 * newer, which reads a tar stream ({@code -tar}).
 */
public final class Converter {
  private static final int MAX_REMEMBERED_WARNINGS = 100_000;

  private final ConvertListener listener;
  private final ImageSources sources;

  /**
   * @param listener hears progress and warnings; {@link ConvertListener#NONE} for none
   * @param sources opens images, on disk or in registries (credentials, cache, TLS)
   */
  public Converter(ConvertListener listener, ImageSources sources) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.sources = Objects.requireNonNull(sources, "sources");
  }

  /**
   * A converter that reads registries as this process's environment sets them up (auth files,
   * credential helpers, proxies) and caches their blobs in the default cache.
   *
   * @param listener hears progress and warnings; {@link ConvertListener#NONE} for none
   */
  public Converter(ConvertListener listener) {
    this(listener, ImageSources.fromEnvironment());
  }

  /**
   * A converter that reports nothing: warnings are only counted, in {@link ConvertResult#merge()}.
   */
  public Converter() {
    this(ConvertListener.NONE);
  }

  /**
   * Runs one conversion: loads the image, checks every layer blob against its digest and diff id as
   * it streams, and writes {@code request.output()} under a temporary name beside it, renamed when
   * complete (a tar on standard output is written as it goes).
   *
   * @param request what to convert and how
   * @return the counts and sizes of what was written
   * @throws IOException with a message naming the file, layer and entry at fault: an {@code
   *     ImageFormatException} (the image's files), a {@code LayerException} (a layer's content or
   *     digest), a {@code ToolException} (mksquashfs missing, too old or failing), for a directory
   *     an {@code UnsafeEntryException}, or a plain {@code IOException} for the output (it exists
   *     without {@code force}, its directory is missing or not writable). No output is left then,
   *     nor any temporary file.
   */
  public ConvertResult convert(ConvertRequest request) throws IOException {
    long started = System.nanoTime();
    OutputFormat format = request.format();
    boolean toStdout = request.toStdout();
    if (toStdout && format != OutputFormat.TAR) {
      throw new IllegalArgumentException(
          "only a tar can go to standard output, not " + format.optionName());
    }
    Path output = toStdout ? request.output() : request.output().toAbsolutePath();
    if (!toStdout) {
      PendingOutput.checkWritable(
          output,
          format == OutputFormat.DIR ? PendingOutput.Kind.DIRECTORY : PendingOutput.Kind.FILE,
          request.force(),
          format.optionName());
    }
    if (request.verity().enabled()) {
      if (!format.isFilesystem() || toStdout) {
        throw new IllegalArgumentException(
            "a verity tree needs a squashfs or erofs output, not " + format.optionName());
      }
      VerityFinish.checkWritable(request.verity(), output, request.force());
    }
    // found and checked before any download, when the tool is missing or too old
    FilesystemBuilder builder = builder(request);
    try (OpenedImage opened = sources.open(request.image(), request.platform(), listener)) {
      Image image = opened.image();
      String seed = seed(image);
      VerityFinish verity =
          request.verity().enabled()
              ? new VerityFinish(request.verity(), output, seed, request.force())
              : null;
      ConvertResult result =
          convert(
              request,
              image,
              output,
              builder == null ? null : builder.forImage(seed),
              verity,
              started);
      opened.succeeded(listener::warning);
      return withPull(result, opened);
    }
  }

  /**
   * The tool that builds a filesystem image, found and checked up front; null for a tar or tree.
   */
  private static FilesystemBuilder builder(ConvertRequest request) throws IOException {
    switch (request.format()) {
      case SQUASHFS:
        return new SquashfsBuilder(MksquashfsTool.locate(request.mksquashfs()), request.squashfs());
      case EROFS:
        MkfsErofsTool tool = MkfsErofsTool.locate(request.mkfsErofs());
        tool.check(request.erofs().compression());
        return new ErofsBuilder(tool, request.erofs());
      default:
        return null;
    }
  }

  /**
   * What makes derived identities (a verity salt and UUID, an erofs UUID) the same for the same
   * image: its manifest digest, or its config's where there is no manifest blob.
   */
  private static String seed(Image image) {
    return String.valueOf(
        image.manifestDigest() != null ? image.manifestDigest() : image.configDigest());
  }

  private ConvertResult convert(
      ConvertRequest request,
      Image image,
      Path output,
      FilesystemBuilder tool,
      VerityFinish verity,
      long started)
      throws IOException {
    OutputFormat format = request.format();
    boolean toStdout = request.toStdout();
    listener.imageLoaded(image);

    LayerByteCounts counts = new LayerByteCounts(image.layers().size(), listener::layerProgress);
    CheckedLayerSource layers = CheckedLayerSource.of(image, listener::warning, counts);
    RootProbe.Found probe = RootProbe.find(layers);
    Long allTime = request.allTime();
    Mtime implicitTime = Mtime.ofSeconds(allTime != null ? allTime : 0);
    TarHeader root =
        probe != null
            ? probe.root()
            : TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY).withMtime(implicitTime);

    MergeListener mergeListener =
        new MergeListener() {
          // a second pass repeats the first one's warnings; say each once
          private final Set<String> said = new HashSet<>();

          @Override
          public void layerStarted(int layer, int count) {
            listener.layerStarted(
                layer, count, layers.digestOf(layer), image.layers().get(layer).size());
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
    // Lower symlinks with newer entries below them are followed, as container runtimes do; that
    // takes another pass, so a stream that cannot be restarted (stdout) keeps a directory there
    // instead, with a warning.
    MergeOptions options = new MergeOptions(implicitTime);
    Passes passes = new Passes(request, tool, output, root, layers);
    try {
      if (passes.current.restartable()) {
        options = options.withRedirects(SymlinkRedirects.none());
      }
      MergePasses.Settled<OutputSink> settled =
          MergePasses.settle(
              layers,
              options,
              mergeListener,
              passes,
              (pass, why) ->
                  listener.warning(why.reason() + "; reading the image again " + why.purpose()));
      MergeResult merged = settled.result();
      OutputSink sink = settled.output();
      listener.finishing();
      String summary = verity == null ? sink.commit() : sink.commit(verity);
      sink.warnings().forEach(listener::warning);
      long outputBytes =
          format == OutputFormat.DIR || toStdout ? sink.bytesWritten() : Files.size(output);
      return new ConvertResult(
          output,
          image.source(),
          image.layers().size(),
          merged,
          sink.bytesWritten(),
          outputBytes,
          Duration.ofNanos(System.nanoTime() - started),
          summary,
          format,
          image.platform(),
          image.manifestDigest(),
          counts.compressed(),
          counts.uncompressed(),
          null,
          verity == null ? null : verity.outcome());
    } finally {
      passes.current
          .close(); // after a commit this does nothing; else it stops mksquashfs and deletes its
      // output
    }
  }

  private static ConvertResult withPull(ConvertResult r, OpenedImage opened) {
    RegistryImage pulled = opened.pulled();
    return pulled == null ? r : r.withPull(pulled.stats());
  }

  /** A fresh sink for each pass; the root's attributes as the last pass found them. */
  private final class Passes implements MergePasses.Outputs<OutputSink> {
    private final ConvertRequest request;
    private final FilesystemBuilder tool;
    private final Path output;
    private final CheckedLayerSource layers;
    private TarHeader root;
    OutputSink current;

    Passes(
        ConvertRequest request,
        FilesystemBuilder tool,
        Path output,
        TarHeader root,
        CheckedLayerSource layers)
        throws IOException {
      this.request = request;
      this.tool = tool;
      this.output = output;
      this.root = root;
      this.layers = layers;
      this.current = startSink(request, tool, output, root);
      announce(current);
    }

    private boolean fresh = true;

    @Override
    public OutputSink open() throws IOException {
      if (fresh) { // the first pass's sink was started up front, to know whether it can restart
        fresh = false;
        return current;
      }
      current = startSink(request, tool, output, root);
      announce(current);
      return current;
    }

    private void announce(OutputSink sink) {
      if (sink instanceof FilesystemSink) {
        listener.builderStarted(((FilesystemSink) sink).command());
      }
      listener.streamStarted(sink::bytesWritten);
    }

    @Override
    public void discard(OutputSink sink, MergeResult.Repeat why) throws IOException {
      if (!sink.restartable()) {
        throw new IOException(
            "cannot write this image to standard output: "
                + why.reason()
                + ", so the image must be read twice and what was already written cannot be taken"
                + " back; write to a file instead");
      }
      sink.close();
    }

    @Override
    public MergeResult.Repeat mustRepeat(MergeResult merged) {
      if (sameRootAttributes(root, merged.root())) {
        return null;
      }
      root = merged.root();
      return new MergeResult.Repeat(
          layers.describe(merged.rootFromLayer())
              + ": its root entry is not the"
              + " layer's first entry",
          "to give its attributes to the output's root");
    }
  }

  /** A fresh sink for one pass of the merge. */
  private static OutputSink startSink(
      ConvertRequest request, FilesystemBuilder tool, Path output, TarHeader root)
      throws IOException {
    Long allTime = request.allTime();
    switch (request.format()) {
      case TAR:
        return request.toStdout()
            ? TarSink.toStream(new FileOutputStream(FileDescriptor.out), root, allTime)
            : TarSink.toFile(output, root, allTime, request.force());
      case DIR:
        return DirectorySink.start(output, root, allTime, request.force());
      default:
        return FilesystemSink.start(tool, output, root, request.force());
    }
  }

  /** What mksquashfs is told about the root: mode, owner, time and xattrs. */
  private static boolean sameRootAttributes(TarHeader a, TarHeader b) {
    return a.mode() == b.mode()
        && a.uid() == b.uid()
        && a.gid() == b.gid()
        && a.mtime().seconds() == b.mtime().seconds()
        && a.xattrs().keySet().equals(b.xattrs().keySet())
        && a.xattrs().keySet().stream()
            .allMatch(k -> Arrays.equals(a.xattrs().get(k), b.xattrs().get(k)));
  }
}
