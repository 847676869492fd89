package io.oci2squashfs.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The outcome of a verification: a value, whether or not the trees are equal.
 *
 * @param squashfs the image checked (squashfs or erofs)
 * @param reference the reference, as {@link Reference#describe()} gives it
 * @param method how the image was read: {@link Method#MOUNT}, {@link Method#UNSQUASHFS} (a
 *     squashfs) or {@link Method#EXTRACT} (an erofs)
 * @param differences in tree order of their paths
 * @param imageEntries paths read from the image, ignored ones included
 * @param referenceEntries paths read from the reference, ignored ones included
 * @param notes what the user should know besides the differences
 * @param format the image's filesystem
 * @param verity the dm-verity check, or null when the image has no tree; when it failed the trees
 *     were not compared (no differences, no entries)
 */
public record VerifyReport(
    Path squashfs,
    String reference,
    Method method,
    List<Difference> differences,
    int imageEntries,
    int referenceEntries,
    List<String> notes,
    Duration elapsed,
    FilesystemImage.Format format,
    VerityCheck verity) {
  public VerifyReport {
    Objects.requireNonNull(squashfs, "squashfs");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(method, "method");
    differences = List.copyOf(differences);
    notes = List.copyOf(notes);
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(format, "format");
  }

  /** A squashfs report without verity. */
  public VerifyReport(
      Path squashfs,
      String reference,
      Method method,
      List<Difference> differences,
      int imageEntries,
      int referenceEntries,
      List<String> notes,
      Duration elapsed) {
    this(
        squashfs,
        reference,
        method,
        differences,
        imageEntries,
        referenceEntries,
        notes,
        elapsed,
        FilesystemImage.Format.SQUASHFS,
        null);
  }

  /** No differences, and every block matched the verity tree if there is one. */
  public boolean equal() {
    return differences.isEmpty() && verityOk();
  }

  /** True unless a verity tree was checked and a block did not match. */
  public boolean verityOk() {
    return verity == null || verity.ok();
  }

  public long onlyInImage() {
    return differences.stream().filter(d -> d.change() == Difference.Change.ONLY_IN_IMAGE).count();
  }

  public long onlyInReference() {
    return differences.stream()
        .filter(d -> d.change() == Difference.Change.ONLY_IN_REFERENCE)
        .count();
  }

  /** Paths on both sides with at least one field that differs. */
  public int changedPaths() {
    Set<String> paths = new LinkedHashSet<>();
    for (Difference d : differences) {
      if (d.change() == Difference.Change.CHANGED) {
        paths.add(d.path());
      }
    }
    return paths.size();
  }
}
