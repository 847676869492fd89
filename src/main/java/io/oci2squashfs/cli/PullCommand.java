package io.oci2squashfs.cli;

import io.oci2squashfs.cache.LayoutExport;
import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.registry.IndexPull;
import io.oci2squashfs.registry.PullStats;
import io.oci2squashfs.registry.PulledBlobs;
import io.oci2squashfs.registry.RegistryImage;
import io.oci2squashfs.registry.RegistryReference;
import io.oci2squashfs.source.ImageSources;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pull}: an image from a registry, written as an OCI image layout or oci-archive. */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Downloads an image from a registry, for one platform (or --all-platforms), and writes it as"
          + " an OCI image layout (a directory) or an oci-archive (a tar file), for pipelines that"
          + " stage images. Every blob is checked against its digest; the manifest is kept byte for"
          + " byte, so the image's digest stays the registry's. Blobs go through the cache, so a"
          + " later 'convert' of the same image downloads nothing.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  oci2squashfs pull docker://debian:12 --output debian-oci",
      "  oci2squashfs pull docker://127.0.0.1:5000/app:v2 -o app.oci.tar --tls-verify=false",
      "  oci2squashfs pull docker://alpine:3.20 -o alpine-all --all-platforms",
      "  oci2squashfs convert -i oci:debian-oci:12 -o debian.squashfs",
      "",
      "The output is written under a temporary name beside it and renamed when complete; on"
          + " failure or a signal nothing is left."
    })
final class PullCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description = "docker://[REGISTRY/]REPO[:TAG|@DIGEST]")
  String image;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "OUT",
      description =
          "The layout directory, or the oci-archive file when the name ends in .tar (or use"
              + " --format).")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "oci|oci-archive",
      description = "What to write (default: oci-archive for a name ending in .tar, else oci).")
  String format;

  @Option(
      names = "--tag",
      paramLabel = "NAME",
      description =
          "The name index.json gives the image (org.opencontainers.image.ref.name); default: the"
              + " reference's tag.")
  String tag;

  @Option(
      names = "--all-platforms",
      description =
          "Every platform of a multi-platform image, with its index as the registry serves it"
              + " (attestations too), instead of this machine's or --platform's alone.")
  boolean allPlatforms;

  @Option(names = "--force", description = "Replace the output if it exists.")
  boolean force;

  @Option(names = "--json", description = "Print the summary as one JSON document.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing but errors.")
  boolean quiet;

  @CommandLine.Mixin PlatformOption platform;

  @CommandLine.Mixin RegistryOption registry;

  @CommandLine.Mixin(name = ErrorOptions.MIXIN)
  ErrorOptions errors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!RegistryReference.isRegistryReference(image)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "pull takes a registry image, docker://...: " + image);
    }
    boolean archive;
    if (format == null) {
      archive = output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar");
    } else if (format.equals("oci") || format.equals("oci-archive")) {
      archive = format.equals("oci-archive");
    } else {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--format takes oci or oci-archive, not " + format);
    }
    RegistryReference reference = ImageSources.parse(image);
    Path out = output.toAbsolutePath().normalize();
    PendingOutput.checkWritable(
        out,
        archive ? PendingOutput.Kind.FILE : PendingOutput.Kind.DIRECTORY,
        force,
        archive ? "oci-archive" : "oci");
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    PullStats stats;
    PlainPullProgress progress = new PlainPullProgress(quiet ? null : err);
    String refName = tag != null ? tag : reference.tag();
    try (PulledBlobs pulled = pull(reference, progress, err)) {
      LayoutExport.Top top = pulled.top(refName);
      try (PendingOutput pending =
          archive ? PendingOutput.file(out, force) : PendingOutput.directory(out, force)) {
        if (archive) {
          try (OutputStream o = Files.newOutputStream(pending.partial())) {
            LayoutExport.toArchive(pulled.cache(), top, pulled.blobs(), o);
          }
        } else {
          LayoutExport.toDirectory(pulled.cache(), top, pulled.blobs(), pending.partial());
        }
        pending.commit();
      }
      stats = pulled.stats();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (json) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("output", out.toString());
      d.put("format", archive ? "oci-archive" : "oci");
      d.put("seconds", Math.round(elapsed.toMillis()) / 1000.0);
      d.putAll(ConvertSummary.pullDocument(stats));
      PrintWriter o = spec.commandLine().getOut();
      o.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(d));
      o.flush();
    } else if (!quiet) {
      err.println(
          "wrote "
              + out
              + " ("
              + (archive ? "oci-archive" : "OCI image layout")
              + ") in "
              + ConvertProgress.seconds(elapsed.toNanos()));
      err.println(ConvertSummary.pullLine(stats));
      err.flush();
    }
    return ExitCodes.DONE;
  }

  /** Fetches every blob the output needs into the cache, checked. */
  private PulledBlobs pull(RegistryReference reference, PlainPullProgress progress, PrintWriter err)
      throws Exception {
    if (allPlatforms) {
      if (platform.given != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--all-platforms and --platform exclude each other");
      }
      return IndexPull.fetch(reference, registry.options(spec.commandLine()), progress);
    }
    RegistryImage pulled =
        RegistryImage.open(
            reference, platform.orHost(), registry.options(spec.commandLine()), progress);
    try {
      if (!quiet) {
        err.println(
            "image: "
                + ConsoleReporter.shortSource(
                    pulled.image().source(), pulled.image().manifestDigest())
                + ", "
                + pulled.image().platform()
                + ", "
                + pulled.image().layers().size()
                + " layers");
        err.flush();
      }
      pulled.fetchLayers();
      pulled.keep();
      return pulled;
    } catch (Exception e) {
      pulled.close();
      throw e;
    }
  }

  /** A line per blob when it is in, and per connection lost: pulls are for pipelines' logs. */
  private static final class PlainPullProgress implements io.oci2squashfs.registry.PullListener {
    private final PrintWriter err;

    PlainPullProgress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void progress(Digest digest, long bytes, long size) {
      if (err != null && bytes == size) {
        synchronized (err) {
          err.println(
              "blob " + digest.shortForm() + " downloaded (" + ConsoleReporter.bytes(size) + ")");
          err.flush();
        }
      }
    }

    @Override
    public void cached(Digest digest, long size) {
      if (err != null) {
        synchronized (err) {
          err.println(
              "blob "
                  + digest.shortForm()
                  + " from the cache ("
                  + ConsoleReporter.bytes(size)
                  + ")");
          err.flush();
        }
      }
    }

    @Override
    public void resuming(Digest digest, long bytes, String why) {
      if (err != null) {
        synchronized (err) {
          err.println(
              "blob "
                  + digest.shortForm()
                  + ": the connection was lost after "
                  + ConsoleReporter.bytes(bytes)
                  + " ("
                  + why
                  + "); resuming from there");
          err.flush();
        }
      }
    }
  }
}
