package io.oci2squashfs.cli;

import io.oci2squashfs.registry.RegistryImage;
import io.oci2squashfs.registry.RegistryReference;
import io.oci2squashfs.source.ImageSources;
import io.oci2squashfs.verify.CompareOptions;
import io.oci2squashfs.verify.Method;
import io.oci2squashfs.verify.PathFilter;
import io.oci2squashfs.verify.Reference;
import io.oci2squashfs.verify.ReportFormatter;
import io.oci2squashfs.verify.Verifier;
import io.oci2squashfs.verify.VerifyListener;
import io.oci2squashfs.verify.VerifyReport;
import io.oci2squashfs.verify.VerifyRequest;
import io.oci2squashfs.verify.VerifyTools;
import io.oci2squashfs.verify.VerityUsageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify}: a squashfs or erofs image against a directory or a container image, after its
 * dm-verity tree if it has one.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Checks that a squashfs or erofs image holds exactly a reference tree: a directory, or a"
          + " container"
          + " image unpacked with umoci. Compares every path's type, permission bits, owner, size,"
          + " content (SHA-256), symlink target, device numbers, xattrs of all namespaces and hard"
          + " links; not times, unless --mtime.",
      "The image is mounted read-only with squashfuse_ll or erofsfuse in a temporary directory"
          + " (always unmounted, also on Ctrl-C), or, where FUSE cannot be used, read with"
          + " 'unsquashfs -pf' or extracted with 'fsck.erofs --extract'.",
      "If a dm-verity tree follows the filesystem (or --verity-data names one), every block is"
          + " first checked against it, in Java, against --root-hash or IMAGE.roothash; a bad"
          + " block is reported with its byte offset, exit 3, and the trees are not compared.",
      ""
    },
    footer = {
      "",
      "Output: one line per difference, then a summary:",
      "  + PATH          only in the image",
      "  - PATH          only in the reference (a directory once, not its contents)",
      "  ~ PATH: FIELD: REFERENCE -> IMAGE",
      "",
      "  verity: ok|FAILED: ...  the dm-verity check, when there is a tree",
      "",
      "Scripts can go by the exit code alone (see --quiet): 0 equal, 3 different (or a block"
          + " that does not match the dm-verity tree).",
      "",
      "Examples:",
      "  oci2squashfs verify -s demo.squashfs --image examples/demo-image:latest",
      "  oci2squashfs verify -s rootfs.squashfs -r ./rootfs --ignore '*.pyc'",
      "  oci2squashfs verify -s rootfs.squashfs -r ./rootfs --method unsquashfs --json",
      "  oci2squashfs verify -s os.erofs -r ./rootfs --method extract",
      "  oci2squashfs verify -s os.erofs -r ./rootfs --root-hash $(cat ROOTHASH)",
      "  oci2squashfs verify -s os.erofs -r ./rootfs --verity-data os.erofs.verity"
    })
final class VerifyCommand implements Callable<Integer> {
  @Option(
      names = {"-s", "--squashfs"},
      required = true,
      paramLabel = "IMAGE",
      description = "The squashfs or erofs image to check (told by its magic).")
  Path squashfs;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ReferenceOption reference;

  static final class ReferenceOption {
    @Option(
        names = {"-r", "--reference"},
        required = true,
        paramLabel = "DIR",
        description = "A directory tree the image should equal.")
    Path directory;

    @Option(
        names = {"-i", "--image"},
        required = true,
        paramLabel = "DIR[:TAG]",
        description =
            "docker://[REGISTRY/]REPO[:TAG|@DIGEST], pulled into the cache; or an OCI image"
                + " layout whose TAG the image should equal (without one: the image 'convert'"
                + " reads from it, tagged or not); unpacked with 'umoci unpack' into a temporary"
                + " directory, removed afterwards. Without a tag, --platform chooses from a"
                + " multi-platform index, as for 'convert'.")
    String image;
  }

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      defaultValue = "auto",
      description =
          "How to read the image: mount (squashfuse_ll, erofsfuse), extract (no FUSE: a squashfs"
              + " parsed from 'unsquashfs -pf', an erofs extracted with 'fsck.erofs --extract';"
              + " 'unsquashfs' is the same), or auto: mount where /dev/fuse is usable, else"
              + " extract. Default: ${DEFAULT-VALUE}.")
  String method;

  @Option(
      names = "--verity-data",
      paramLabel = "FILE",
      description =
          "The dm-verity hash file of the image (its superblock at byte 0, as 'convert"
              + " --verity=sidecar' or 'veritysetup format IMAGE FILE' writes it). Without it, a"
              + " tree appended to the image (at its filesystem size rounded up to 4096), else"
              + " IMAGE.verity, is checked if there is one.")
  Path verityData;

  @Option(
      names = "--root-hash",
      paramLabel = "HEX",
      description =
          "The trusted dm-verity root hash (64 hex digits). Default: the first line of"
              + " IMAGE.roothash (or FILE.roothash for --verity-data); without either, the tree is"
              + " checked against the root it implies, which is said to be unauthenticated.")
  String rootHash;

  @Option(names = "--ignore-ownership", description = "Do not compare uid and gid.")
  boolean ignoreOwnership;

  @Option(
      names = "--ignore",
      paramLabel = "GLOB",
      description =
          "Leave out paths matching GLOB, and everything below them; repeatable. Without a"
              + " slash it matches a name at any depth ('*.pyc'), with one the path from the root"
              + " ('/etc/hostname', 'var/cache/**').")
  List<String> ignore = new ArrayList<>();

  @Option(names = "--mtime", description = "Also compare modification times (not of directories).")
  boolean mtime;

  @Option(names = "--json", description = "Print the report as one JSON document instead of text.")
  boolean json;

  @Option(
      names = "--squashfuse",
      paramLabel = "PATH",
      defaultValue = "squashfuse_ll",
      description =
          "The FUSE mounter to run (default: ${DEFAULT-VALUE}; it must report the image's inode"
              + " numbers).")
  String squashfuse;

  @Option(
      names = "--erofsfuse",
      paramLabel = "PATH",
      defaultValue = "erofsfuse",
      description = "The FUSE mounter of erofs images (default: ${DEFAULT-VALUE}).")
  String erofsfuse;

  @Option(
      names = "--fsck-erofs",
      paramLabel = "PATH",
      defaultValue = "fsck.erofs",
      description = "The fsck.erofs that extracts erofs images (default: ${DEFAULT-VALUE}).")
  String fsckErofs;

  @Option(
      names = "--unsquashfs",
      paramLabel = "PATH",
      defaultValue = "unsquashfs",
      description = "The unsquashfs to run (default: the one on PATH).")
  String unsquashfs;

  @CommandLine.Mixin PlatformOption platform;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print no differences and no notes; only the exit code tells.")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      description = "Also print each step and the tool quirks corrected for.")
  boolean verbose;

  @CommandLine.Mixin RegistryOption registry;

  @CommandLine.Mixin(name = ErrorOptions.MIXIN)
  ErrorOptions errors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (reference.image != null && RegistryReference.isRegistryReference(reference.image)) {
      // umoci unpacks from a layout: the cache is one, once it holds every blob of the image
      try (RegistryImage pulled =
          RegistryImage.open(
              ImageSources.parse(reference.image),
              platform.orHost(),
              registry.options(spec.commandLine()),
              io.oci2squashfs.registry.PullListener.NONE)) {
        pulled.fetchLayers();
        String name = pulled.name();
        return verify(request(Reference.image(pulled.cache().root(), name)));
      }
    }
    return verify(request(null));
  }

  private int verify(VerifyRequest request) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    VerifyReport report;
    if (!quiet && Terminal.stderrIsTerminal()) {
      // on a terminal, each step with its counts and time, redrawn in place
      try (VerifyProgress progress =
          new VerifyProgress(err, Terminal.width(), System::nanoTime, true, verbose)) {
        report = verifyOrUsage(progress, request); // Main reports failures
      }
    } else {
      VerifyListener listener =
          quiet
              ? VerifyListener.NONE
              : new VerifyListener() {
                @Override
                public void note(String message) {
                  err.println("note: " + message);
                }

                @Override
                public void step(String what) {
                  if (verbose) {
                    err.println(what);
                  }
                }
              };
      report = verifyOrUsage(listener, request);
    }
    if (!quiet) {
      out.print(json ? ReportFormatter.json(report) : ReportFormatter.text(report));
      out.flush();
    }
    return report.equal() ? ExitCodes.DONE : ExitCodes.DIFFERENT;
  }

  /** Runs the verification; an option that does not fit the image is a usage error. */
  private VerifyReport verifyOrUsage(VerifyListener listener, VerifyRequest request)
      throws java.io.IOException {
    try {
      return new Verifier(listener).verify(request);
    } catch (VerityUsageException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /**
   * @param pulled the reference a registry image was pulled into, or null to take the options'
   */
  private VerifyRequest request(Reference pulled) {
    try {
      Reference ref =
          pulled != null
              ? pulled
              : reference.directory != null
                  ? Reference.directory(reference.directory)
                  : Reference.parseImage(reference.image);
      if (platform.given != null && pulled == null) {
        if (!ref.isImage() || ref.tag() != null) {
          throw new IllegalArgumentException(
              "--platform chooses within --image DIR given without a tag");
        }
        ref = ref.withPlatform(platform.given);
      }
      CompareOptions options =
          CompareOptions.DEFAULT
              .withOwnership(!ignoreOwnership)
              .withMtime(mtime)
              .withIgnore(PathFilter.of(ignore));
      return VerifyRequest.of(squashfs, ref)
          .withMethod(Method.parse(method))
          .withOptions(options)
          .withTools(
              VerifyTools.DEFAULT
                  .withSquashfuse(squashfuse)
                  .withUnsquashfs(unsquashfs)
                  .withErofsfuse(erofsfuse)
                  .withFsckErofs(fsckErofs))
          .withVerity(verityData, rootHash);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
