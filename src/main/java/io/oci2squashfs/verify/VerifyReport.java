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
 * @param squashfs the image checked
 * @param reference the reference, as {@link Reference#describe()} gives it
 * @param method how the image was read: {@link Method#MOUNT} or {@link Method#UNSQUASHFS}
 * @param differences in tree order of their paths
 * @param imageEntries paths read from the image, ignored ones included
 * @param referenceEntries paths read from the reference, ignored ones included
 * @param notes what the user should know besides the differences
 */
public record VerifyReport(
    Path squashfs,
    String reference,
    Method method,
    List<Difference> differences,
    int imageEntries,
    int referenceEntries,
    List<String> notes,
    Duration elapsed) {
  public VerifyReport {
    Objects.requireNonNull(squashfs, "squashfs");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(method, "method");
    differences = List.copyOf(differences);
    notes = List.copyOf(notes);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  public boolean equal() {
    return differences.isEmpty();
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
