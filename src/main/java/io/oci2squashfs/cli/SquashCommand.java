package io.oci2squashfs.cli;

import io.oci2squashfs.imagewrite.ImageFormat;
import io.oci2squashfs.squash.LayerCompression;
import io.oci2squashfs.squash.LayerSelection;
import io.oci2squashfs.squash.SquashListener;
import io.oci2squashfs.squash.SquashRequest;
import io.oci2squashfs.squash.SquashResult;
import io.oci2squashfs.squash.Squasher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code squash}: the top layers of an image merged into one, written as a new image. */
@Command(
    name = "squash",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Merges the top layers of an image into one layer and writes the new image. The lower layers"
          + " are copied byte for byte; the new layer keeps the whiteouts and opaque markers that"
          + " still act on them, so the image's filesystem stays the same. The config's diff_ids"
          + " and history are rewritten (the squashed steps become one history entry).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  oci2squashfs squash app-image --layers 3 --output app-squashed --format oci",
      "  oci2squashfs squash docker-archive:app.tar --all --output flat.tar --tag app:flat",
      "  docker load -i flat.tar",
    })
final class SquashCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description =
          "docker://[REGISTRY/]REPO[:TAG|@DIGEST], a directory, a tar archive, or an"
              + " oci:/oci-archive:/docker-archive: reference.")
  String image;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "OUT",
      description = "The image to write: a directory for --format oci, else a tar archive.")
  Path output;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--layers", paramLabel = "N", description = "Squash the top N layers.")
    Integer layers;

    @Option(
        names = "--from",
        paramLabel = "LAYER",
        description =
            "Squash this layer and all above it: a blob digest or diff id (a unique prefix"
                + " is enough), or #K for the layer of history entry K (counting from 0).")
    String from;

    @Option(names = "--all", description = "Squash every layer into one.")
    boolean all;
  }

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "docker-archive, oci or oci-archive (default: docker-archive for an OUT ending in"
              + " .tar, else oci).")
  String format;

  @Option(names = "--tag", paramLabel = "REPO:TAG", description = "Name the new image.")
  String tag;

  @Option(
      names = "--message",
      paramLabel = "TEXT",
      description = "The new history entry's created_by (default: oci2squashfs squash).")
  String message;

  @Option(
      names = "--layer-compression",
      paramLabel = "ALG",
      defaultValue = "gzip",
      description = "The new layer's compression: gzip (default), zstd or none.")
  String compression;

  @CommandLine.Mixin PlatformOption platform;

  @Option(
      names = {"-f", "--force"},
      description = "Replace an existing output.")
  boolean force;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only errors.")
  boolean quiet;

  @CommandLine.Mixin RegistryOption registry;

  @CommandLine.Mixin(name = ErrorOptions.MIXIN)
  ErrorOptions errors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SquashRequest request;
    try {
      LayerSelection selection =
          which.all
              ? LayerSelection.ALL
              : which.layers != null
                  ? LayerSelection.top(which.layers)
                  : LayerSelection.from(which.from);
      ImageFormat f =
          format != null
              ? ImageFormat.parse(format)
              : output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar")
                  ? ImageFormat.DOCKER_ARCHIVE
                  : ImageFormat.OCI;
      request =
          SquashRequest.of(image, output, selection, f)
              .withTag(tag)
              .withMessage(message)
              .withCompression(LayerCompression.parse(compression))
              .withPlatform(platform.orHost())
              .withForce(force);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SquashListener listener =
        new SquashListener() {
          @Override
          public void warning(String m) {
            if (!quiet) {
              err.println("warning: " + m);
              err.flush();
            }
          }
        };
    SquashResult r;
    try {
      r = new Squasher(listener, registry.sources(spec.commandLine())).squash(request);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    if (!quiet) {
      out.printf(
          "squashed %d of %d layers into one: %s -> %s (%s)%n",
          r.layersSquashed(),
          r.layersBefore(),
          size(r.squashedBytes()),
          size(r.newLayerBytes()),
          r.newLayerDigest());
      int after = r.layersBefore() - r.layersSquashed() + 1;
      out.printf(
          "image: %d layers, %s -> %d layer%s, %s%n",
          r.layersBefore(),
          size(r.imageBytesBefore()),
          after,
          after == 1 ? "" : "s",
          size(r.imageBytesAfter()));
      out.printf(
          "wrote %s (%s, %s) in %.1f s%n",
          r.output(), request.format().cliName, r.imageDigest(), r.elapsed().toMillis() / 1000.0);
      out.flush();
    }
    return ExitCodes.DONE;
  }

  private static String size(long bytes) {
    if (bytes < 10_000) {
      return bytes + " B";
    }
    return bytes < 10_000_000
        ? String.format("%.1f KB", bytes / 1e3)
        : String.format("%.1f MB", bytes / 1e6);
  }
}
