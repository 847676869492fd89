package io.oci2squashfs.cli;

import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.convert.OutputFormat;
import io.oci2squashfs.convert.VerityOutput;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.sink.ErofsCompression;
import io.oci2squashfs.sink.ErofsOptions;
import io.oci2squashfs.sink.MksquashfsOptions;
import io.oci2squashfs.sink.SquashfsCompression;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convert}: an image in; a squashfs or erofs file (with a verity tree), a tar or a directory
 * out.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Converts a container image into a squashfs or erofs image (or a tar, or a directory) whose"
          + " contents"
          + " are exactly what applying its layers oldest first gives (whiteouts, opaque"
          + " directories and hard links included).",
      "The image comes from a registry (docker://...), its layers downloaded in parallel and"
          + " merged as they arrive, kept in a cache for the next run; or it is an OCI image layout"
          + " (index.json and blobs/) or a 'docker save' output, as a directory or a tar archive"
          + " (read in place)."
          + " Needs mksquashfs 4.6 or newer, or for erofs mkfs.erofs 1.7 or newer (scripts/setup"
          + " installs them). With --verity the image gets a dm-verity hash tree and its root hash"
          + " goes to OUTPUT.roothash, ready for veritysetup and systemd.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  oci2squashfs convert --image examples/demo-image --output demo.squashfs",
      "  oci2squashfs convert -i docker://debian:12 -o debian.squashfs",
      "  oci2squashfs convert -i docker://127.0.0.1:5000/app:v2 -o app.squashfs --tls-verify=false",
      "  oci2squashfs convert -i ./debian-oci -o rootfs.squashfs --compression xz --block-size 1M",
      "  oci2squashfs convert -i ./img -o img.squashfs --reproducible --force",
      "  oci2squashfs convert -i ./img -o rootfs.erofs --verity   (erofs, lz4hc; tree appended,"
          + " root hash in rootfs.erofs.roothash)",
      "  oci2squashfs convert -i ./img -o rootfs.squashfs --verity=sidecar  (tree in"
          + " rootfs.squashfs.verity)",
      "  oci2squashfs convert -i ./img -o rootfs.tar            (the merged tar; '-o -' for"
          + " stdout)",
      "  oci2squashfs convert -i ./img -o rootfs/ --format dir  (extracted; owners kept as root)",
      "  oci2squashfs convert -i docker-archive:app.tar -o app.squashfs --json | jq .ratio",
      "  oci2squashfs convert -i oci-archive:app.oci.tar:v2 -o app.squashfs --progress=plain"
          + " 2>build.log",
      "",
      "Progress goes to standard error: on a terminal one line per phase (loading the image,"
          + " reading layers n/N with bytes read and written, rate and ETA, mksquashfs finishing),"
          + " redrawn in place; elsewhere a plain line per phase. A summary follows (--json: on"
          + " standard output).",
      "",
      "The output is written under a temporary name beside it and renamed when complete;"
          + " on failure nothing is left. Mount the result with: squashfuse demo.squashfs /mnt"
    })
final class ConvertCommand implements Callable<Integer> {
  @Option(
      names = {"-i", "--image"},
      required = true,
      paramLabel = "IMAGE",
      description =
          "docker://[REGISTRY/]REPO[:TAG|@DIGEST] to pull from a registry (Docker Hub when no"
              + " registry is named), streamed into the output as it downloads; or an OCI image"
              + " layout or a 'docker save', as a directory or a plain tar archive (read in place,"
              + " not extracted; compressed archives must be decompressed first); or"
              + " oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG].")
  String image;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "OUTPUT",
      description =
          "The squashfs file, tar file or directory to write; '-' writes a tar to standard output.")
  String output;

  @Option(
      names = "--format",
      paramLabel = "squashfs|erofs|tar|dir",
      description =
          "What to write: a squashfs or erofs image, the merged tar (PAX, numeric owners), or the"
              + " merged tree extracted into a directory that nothing in the image can make it"
              + " write outside of. Default: tar for '-' or a name ending in .tar, dir for an"
              + " existing directory or a name ending in '/', erofs for a name ending in .erofs,"
              + " else squashfs. --compression and --block-size apply to squashfs and erofs.")
  String format;

  @CommandLine.Mixin PlatformOption platform;

  @Option(
      names = {"-c", "--compression"},
      paramLabel = "ALG[:LEVEL]",
      description =
          "Compression. Squashfs: gzip, zstd, xz, lz4, lzo, with an optional level"
              + " (gzip/lzo 1-9, zstd 1-22); default zstd:3. Erofs: lz4hc (0-12), lz4, lzma"
              + " (0-9), deflate (0-9), zstd (0-22, where mkfs.erofs has it) or none; default"
              + " lz4hc.")
  String compression;

  @Option(
      names = {"-b", "--block-size"},
      paramLabel = "SIZE",
      description =
          "Squashfs data block size, a power of two from 4K to 1M (default: mksquashfs's, 128K);"
              + " erofs block size, 512 to 4K (default 4K, the page size the kernel mounts).")
  String blockSize;

  @Option(
      names = "--reproducible",
      description =
          "Bit-identical output for the same input: the filesystem's creation time is 0"
              + " (or --mtime) instead of now, and an erofs UUID comes from the image's manifest"
              + " digest.")
  boolean reproducible;

  @Option(
      names = "--mtime",
      paramLabel = "SECONDS",
      description =
          "Give every file, and the filesystem, this time (seconds since 1970); implies"
              + " --reproducible.")
  Long mtime;

  @Option(
      names = "--keep-source-date-epoch",
      description =
          "Let SOURCE_DATE_EPOCH from the environment reach mksquashfs (it then sets all times)"
              + " or mkfs.erofs (the build time).")
  boolean keepSourceDateEpoch;

  @Option(
      names = "--verity",
      paramLabel = "WHERE",
      arity = "0..1",
      fallbackValue = "appended",
      description =
          "Add a dm-verity hash tree (format 1, sha256, 4096-byte blocks) to the squashfs or erofs"
              + " image: 'appended' (the default) writes it after the image at its size rounded"
              + " up to 4096 (veritysetup's --hash-offset), 'sidecar' to OUTPUT.verity. The root"
              + " hash goes to OUTPUT.roothash, the summary and --json. The salt and UUID come"
              + " from the image's manifest digest and the filesystem is built reproducibly, so"
              + " the same image and options give the same root hash.")
  String verity;

  @Option(
      names = "--verity-salt",
      paramLabel = "HEX",
      description =
          "The verity salt, in hex ('-' for none), instead of one derived from the image.")
  String veritySalt;

  @Option(
      names = "--mksquashfs",
      paramLabel = "PATH",
      defaultValue = "mksquashfs",
      description = "The mksquashfs to run (default: the one on PATH).")
  String mksquashfs;

  @Option(
      names = "--mkfs-erofs",
      paramLabel = "PATH",
      defaultValue = "mkfs.erofs",
      description = "The mkfs.erofs to run for --format erofs (default: the one on PATH).")
  String mkfsErofs;

  @Option(
      names = {"-f", "--force"},
      description = "Replace the output if it exists (a directory: if it exists and is not empty).")
  boolean force;

  @Option(
      names = "--json",
      description =
          "When done, print the summary as one JSON document on standard output (image, platform,"
              + " manifest, layers, entries written, whiteouts applied, hard links promoted,"
              + " warnings, input and output bytes, ratio, seconds). Progress still goes to"
              + " standard error.")
  boolean json;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      defaultValue = "auto",
      description =
          "How to show progress on standard error: tty (lines redrawn in place), plain (one line"
              + " per phase, for logs), or auto: tty when standard error is a terminal, else plain."
              + " Default: ${DEFAULT-VALUE}.")
  ProgressOption progress;

  /** Values of {@code --progress}. */
  enum ProgressOption {
    auto,
    tty,
    plain
  }

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only errors (and the --json document).")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      description =
          "Also print each layer as it is read, the mksquashfs command and its own summary,"
              + " and every warning (not only the first 20).")
  boolean verbose;

  @CommandLine.Mixin RegistryOption registry;

  @CommandLine.Mixin(name = ErrorOptions.MIXIN)
  ErrorOptions errors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConvertRequest request = request();
    PrintWriter err = spec.commandLine().getErr();
    ConvertResult result;
    try (ConsoleReporter reporter = ConsoleReporter.forStderr(err, mode(), verbose)) {
      reporter.loading(image, finisher(request.format()));
      result =
          new Converter(reporter, registry.sources(spec.commandLine()))
              .convert(request); // Main reports a failure, once the reporter's line is closed
      reporter.finished(result, !json);
      if (json) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(
            Json.MAPPER
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(
                    ConvertSummary.document(result, reporter.warningCount(), reporter.warnings())));
        out.flush();
      }
    }
    return ExitCodes.DONE;
  }

  /** What completes the output, as the last progress phase names it. */
  private static String finisher(OutputFormat format) {
    switch (format) {
      case SQUASHFS:
        return "mksquashfs";
      case EROFS:
        return "mkfs.erofs";
      case TAR:
        return "tar";
      default:
        return "directory";
    }
  }

  private ConsoleReporter.Mode mode() {
    if (quiet) {
      return ConsoleReporter.Mode.QUIET;
    }
    switch (progress) {
      case tty:
        return ConsoleReporter.Mode.TERMINAL;
      case plain:
        return ConsoleReporter.Mode.PLAIN;
      default:
        return Terminal.stderrIsTerminal()
            ? ConsoleReporter.Mode.TERMINAL
            : ConsoleReporter.Mode.PLAIN;
    }
  }

  private ConvertRequest request() {
    MksquashfsOptions options;
    ErofsOptions erofs;
    VerityOutput verityOutput;
    OutputFormat chosen;
    Path out = Path.of(output);
    try {
      chosen =
          format == null
              ? OutputFormat.forOutput(output, Files.isDirectory(out))
              : OutputFormat.parse(format);
      if (out.equals(ConvertRequest.STDOUT) && chosen != OutputFormat.TAR) {
        throw new IllegalArgumentException(
            "'-o -' (standard output) takes a tar only, not --format " + chosen.optionName());
      }
      if (out.equals(ConvertRequest.STDOUT) && json) {
        throw new IllegalArgumentException(
            "--json prints to standard output, where '-o -' writes the tar;"
                + " write the tar to a file, or leave out --json");
      }
      verityOutput =
          verity == null
              ? VerityOutput.NONE
              : new VerityOutput(
                  VerityOutput.Mode.parse(verity),
                  veritySalt == null ? null : VerityOutput.parseSalt(veritySalt));
      if (verityOutput.enabled() && !chosen.isFilesystem()) {
        throw new IllegalArgumentException(
            "--verity needs a squashfs or erofs output, not " + chosen.optionName());
      }
      if (veritySalt != null && !verityOutput.enabled()) {
        throw new IllegalArgumentException("--verity-salt needs --verity");
      }
      // a verity root hash is only worth having if it is the same next time
      boolean fixedTimes = reproducible || verityOutput.enabled();
      Long mkfsTime = mtime != null ? mtime : fixedTimes ? Long.valueOf(0) : null;
      boolean erofsOut = chosen == OutputFormat.EROFS;
      options =
          MksquashfsOptions.DEFAULT
              .withCompression(
                  compression == null || erofsOut
                      ? SquashfsCompression.DEFAULT
                      : SquashfsCompression.parse(compression))
              .withBlockSize(erofsOut ? null : blockSize)
              .withMkfsTime(mkfsTime)
              .withAllTime(mtime)
              .withKeepSourceDateEpoch(keepSourceDateEpoch);
      erofs =
          ErofsOptions.DEFAULT
              .withCompression(
                  compression == null || !erofsOut
                      ? ErofsCompression.DEFAULT
                      : ErofsCompression.parse(compression))
              .withBlockSize(erofsOut ? ErofsOptions.parseBlockSize(blockSize) : null)
              .withMkfsTime(mkfsTime)
              .withAllTime(mtime)
              .withKeepSourceDateEpoch(keepSourceDateEpoch);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return ConvertRequest.of(image, out)
        .withFormat(chosen)
        .withPlatform(platform.orHost())
        .withSquashfs(options)
        .withMksquashfs(mksquashfs)
        .withErofs(erofs)
        .withMkfsErofs(mkfsErofs)
        .withVerity(verityOutput)
        .withForce(force);
  }
}
