package io.oci2squashfs.verify;

import io.oci2squashfs.image.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The verify facade: reads a squashfs or erofs image and a reference tree and compares them; first,
 * if the image carries a dm-verity tree, checks every block against it.
 *
 * <pre>{@code
 * VerifyReport r = new Verifier(VerifyListener.NONE).verify(
 *     VerifyRequest.of(Path.of("rootfs.squashfs"),
 *         Reference.image(Path.of("image-dir"), "latest")));
 * if (!r.equal()) System.out.print(ReportFormatter.text(r));
 * }</pre>
 *
 * A difference is part of the {@link VerifyReport}; exceptions are for what stops the check (a
 * missing file, a tool that fails). Everything mounted or unpacked is removed before returning, and
 * on JVM exit.
 */
public final class Verifier {
  private final VerifyListener listener;

  public Verifier(VerifyListener listener) {
    this.listener = listener;
  }

  public VerifyReport verify(VerifyRequest request) throws IOException {
    long started = System.nanoTime();
    Path squashfs = request.squashfs();
    if (!Files.exists(squashfs)) {
      throw new NoSuchFileException(squashfs.toString(), null, "no such image");
    }
    if (!Files.isRegularFile(squashfs)) {
      throw new IOException(squashfs + ": not a regular file");
    }
    checkReferenceDirectory(request.reference());
    FilesystemImage fs = FilesystemImage.probe(squashfs);
    FilesystemImage.Format format = fs.format();
    List<String> notes = new ArrayList<>();
    Method method = request.method();
    Method withoutMount = Method.withoutMount(format);
    if (method == Method.AUTO) {
      String why = FuseMount.unusableReason(format, request.tools());
      method = why == null ? Method.MOUNT : withoutMount;
      if (why != null) {
        note(
            notes, "reading the image with " + reader(withoutMount) + ", not a FUSE mount: " + why);
      }
    } else if (method != Method.MOUNT) {
      method = withoutMount; // extract and unsquashfs both mean: the format's own non-mount way
    }
    VerityCheck verity =
        ImageVerity.check(squashfs, fs, request.verityData(), request.rootHash(), listener, notes);
    if (verity != null && !verity.ok()) {
      // a block is not what the tree says: nothing read from the image can be trusted
      return new VerifyReport(
          squashfs,
          request.reference().describe(),
          method,
          List.of(),
          0,
          0,
          notes,
          Duration.ofNanos(System.nanoTime() - started),
          format,
          verity);
    }
    TreeSnapshot reference = readReference(request, notes);
    TreeSnapshot image;
    if (method == Method.MOUNT) {
      try {
        image = readMounted(request, format, notes);
      } catch (IOException e) {
        if (request.method() != Method.AUTO) {
          throw e;
        }
        note(
            notes,
            "mounting failed ("
                + e.getMessage()
                + "); reading the image with "
                + reader(withoutMount)
                + " instead");
        method = withoutMount;
        image = readWithoutMount(request, format, notes);
      }
    } else {
      image = readWithoutMount(request, format, notes);
    }
    List<Difference> differences = TreeComparator.compare(reference, image, request.options());
    return new VerifyReport(
        squashfs,
        request.reference().describe(),
        method,
        differences,
        image.size(),
        reference.size(),
        notes,
        Duration.ofNanos(System.nanoTime() - started),
        format,
        verity);
  }

  private static String reader(Method m) {
    return m == Method.EXTRACT ? "fsck.erofs --extract" : "unsquashfs";
  }

  private TreeSnapshot readWithoutMount(
      VerifyRequest request, FilesystemImage.Format format, List<String> notes) throws IOException {
    if (format == FilesystemImage.Format.EROFS) {
      List<String> toNote = new ArrayList<>();
      List<String> details = new ArrayList<>();
      TreeSnapshot t =
          ErofsExtract.read(request.squashfs(), request.tools(), listener, toNote, details);
      toNote.forEach(n -> note(notes, n));
      details.forEach(d -> detail(notes, d));
      return t;
    }
    return readUnsquashfs(request);
  }

  /** A reference directory that is missing fails before anything else is done. */
  private static void checkReferenceDirectory(Reference ref) throws IOException {
    if (!ref.isImage() && !Files.isDirectory(ref.directory())) {
      throw Files.exists(ref.directory())
          ? new IOException(ref.directory() + ": not a directory")
          : new NoSuchFileException(
              ref.directory().toString(), null, "no such reference directory");
    }
  }

  private TreeSnapshot readReference(VerifyRequest request, List<String> notes) throws IOException {
    Reference ref = request.reference();
    DirectoryReader reader = new DirectoryReader(request.tools().getfattr());
    if (!ref.isImage()) {
      checkReferenceDirectory(ref);
      listener.step("reading reference " + ref.directory());
      return reader.read(ref.directory(), listener);
    }
    listener.step("unpacking " + ref.describe() + " with umoci");
    try (UmociUnpack unpacked =
        UmociUnpack.unpack(
            request.tools().umoci(),
            ref.image(),
            ref.tag(),
            ref.platform() != null ? ref.platform() : Platform.host())) {
      if (unpacked.rootless() && request.options().ownership()) {
        note(
            notes,
            "not root: umoci unpacked rootless, so the reference's owners are all yours;"
                + " use --ignore-ownership, or run as root");
      }
      listener.step("reading unpacked reference");
      return reader.read(unpacked.rootfs(), listener);
    }
  }

  private TreeSnapshot readMounted(
      VerifyRequest request, FilesystemImage.Format format, List<String> notes) throws IOException {
    VerifyTools tools = request.tools();
    if (format == FilesystemImage.Format.EROFS) {
      listener.step("mounting " + request.squashfs() + " with " + tools.erofsfuse());
      try (FuseMount mount = FuseMount.mount(request.squashfs(), format, tools)) {
        listener.step("reading the mounted image");
        return new DirectoryReader(tools.getfattr()).read(mount.root(), listener);
      }
    }
    FuseMount.Quirks quirks = FuseMount.quirks(tools);
    listener.step("mounting " + request.squashfs() + " with " + tools.squashfuse());
    TreeSnapshot image;
    try (FuseMount mount = FuseMount.mount(request.squashfs(), tools)) {
      listener.step("reading the mounted image");
      image =
          new DirectoryReader(tools.getfattr(), quirks.hidesEmptyValues())
              .read(mount.root(), listener);
    }
    if (quirks.hidesEmptyValues()) {
      detail(
          notes,
          tools.squashfuse()
              + " cannot read empty xattr values; those it lists are taken as empty");
    }
    if (quirks.swapsTrustedAndSecurity()) {
      detail(
          notes,
          tools.squashfuse()
              + " shows trusted.* xattrs as security.* and the other way round"
              + " (squashfuse bug #83, fixed in 0.2); their names were swapped back");
      image = swapTrustedAndSecurity(image);
    }
    return image;
  }

  private TreeSnapshot readUnsquashfs(VerifyRequest request) throws IOException {
    listener.step("reading " + request.squashfs() + " with unsquashfs -pf");
    return new PseudoFileReader(request.tools().unsquashfs()).read(request.squashfs());
  }

  /**
   * The snapshot with every {@code trusted.X} xattr renamed {@code security.X} and the other way
   * round.
   */
  static TreeSnapshot swapTrustedAndSecurity(TreeSnapshot s) {
    List<TreeEntry> out = new ArrayList<>(s.size());
    for (TreeEntry e : s.entries().values()) {
      if (e.xattrs().isEmpty()) {
        out.add(e);
        continue;
      }
      SortedMap<String, String> x = new TreeMap<>();
      for (Map.Entry<String, String> a : e.xattrs().entrySet()) {
        String n = a.getKey();
        x.put(
            n.startsWith("trusted.")
                ? "security." + n.substring(8)
                : n.startsWith("security.") ? "trusted." + n.substring(9) : n,
            a.getValue());
      }
      out.add(e.withXattrs(x));
    }
    return TreeSnapshot.of(out);
  }

  /**
   * A correction made as a matter of course: in the report, but to the listener only as a detail.
   */
  private void detail(List<String> notes, String message) {
    notes.add(message);
    listener.detail(message);
  }

  private void note(List<String> notes, String message) {
    notes.add(message);
    listener.note(message);
  }
}
