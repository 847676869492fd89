package io.oci2squashfs.cli;

import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.convert.VerityOutcome;
import io.oci2squashfs.convert.VerityOutput;
import io.oci2squashfs.registry.PullStats;
import io.oci2squashfs.verity.VerityResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a finished conversion tells its user: a few lines of text, or one JSON document. */
final class ConvertSummary {
  private ConvertSummary() {}

  /** The summary a person reads: what was written, from what, and how the sizes compare. */
  static String text(ConvertResult r, long warnings) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "wrote %s (%s) in %s%n",
            r.output(),
            ConsoleReporter.bytes(r.outputBytes()),
            ConvertProgress.seconds(r.elapsed().toNanos())));
    b.append("  image:   ").append(ConsoleReporter.shortSource(r.source(), r.manifestDigest()));
    if (r.platform() != null) {
      b.append(", ").append(r.platform());
    }
    b.append(", ").append(plural(r.layers(), "layer"));
    if (r.manifestDigest() != null && !r.source().contains(r.manifestDigest().toString())) {
      b.append(", manifest ").append(ConsoleReporter.shortDigest(r.manifestDigest().toString()));
    }
    b.append(System.lineSeparator());
    b.append(
        String.format(
            Locale.ROOT,
            "  entries: %d written, %s applied, %s copied, %s%n",
            r.merge().entriesWritten(),
            plural(r.merge().whiteoutsApplied(), "whiteout"),
            plural(r.merge().hardLinksPromoted(), "hard link"),
            plural(warnings, "warning")));
    if (r.pull() != null) {
      b.append(pullLine(r.pull())).append(System.lineSeparator());
    }
    if (r.verity() != null) {
      b.append(verityLines(r.verity()));
    }
    if (r.compressedBytes() >= 0 && r.uncompressedBytes() >= 0) {
      String output =
          switch (r.format()) {
            case SQUASHFS -> "squashfs";
            case EROFS -> "erofs";
            case TAR -> "tar";
            case DIR -> "directory (file contents)";
          };
      b.append(
          String.format(
              Locale.ROOT,
              "  size:    layers %s compressed, %s uncompressed; %s %s",
              ConsoleReporter.bytes(r.compressedBytes()),
              ConsoleReporter.bytes(r.uncompressedBytes()),
              output,
              ConsoleReporter.bytes(r.outputBytes())));
      if (!Double.isNaN(r.ratio())) {
        b.append(String.format(Locale.ROOT, " (%.0f%% of uncompressed)", r.ratio() * 100));
      }
      b.append(System.lineSeparator());
    }
    return b.toString();
  }

  /**
   * The summary as one JSON object, for scripts. Sizes are in bytes; {@code ratio} is the
   * squashfs's size over the layers' uncompressed size; {@code warningMessages} holds at most
   * {@link ConsoleReporter#WARNINGS_KEPT} of the {@code warnings}.
   */
  static Map<String, Object> document(
      ConvertResult r, long warnings, List<String> warningMessages) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("output", r.output().toString());
    d.put("format", r.format().optionName());
    d.put("image", r.source());
    d.put("platform", r.platform() == null ? null : r.platform().toString());
    d.put("manifest", r.manifestDigest() == null ? null : r.manifestDigest().toString());
    d.put("layers", r.layers());
    d.put("entriesWritten", r.merge().entriesWritten());
    d.put("whiteoutsApplied", r.merge().whiteoutsApplied());
    d.put("hardLinksPromoted", r.merge().hardLinksPromoted());
    d.put("warnings", warnings);
    d.put("warningMessages", warningMessages);
    d.put("inputCompressedBytes", r.compressedBytes() >= 0 ? r.compressedBytes() : null);
    d.put("inputUncompressedBytes", r.uncompressedBytes() >= 0 ? r.uncompressedBytes() : null);
    d.put("mergedTarBytes", r.tarBytes());
    d.put("outputBytes", r.outputBytes());
    d.put("ratio", Double.isNaN(r.ratio()) ? null : round(r.ratio(), 4));
    d.put("seconds", round(r.elapsed().toNanos() / 1e9, 3));
    if (r.pull() != null) {
      d.put("pull", pullDocument(r.pull()));
    }
    if (r.verity() != null) {
      d.put("verity", verityDocument(r.verity()));
    }
    return d;
  }

  /** The verity tree: what {@code veritysetup open} and a kernel table need. */
  static Map<String, Object> verityDocument(VerityOutcome v) {
    VerityResult t = v.tree();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("rootHash", t.rootHashHex());
    d.put("salt", t.saltHex());
    d.put("hashOffset", t.hashOffset());
    d.put("dataBlocks", t.dataBlocks());
    d.put("dataBlockSize", t.dataBlockSize());
    d.put("hashBlockSize", t.hashBlockSize());
    d.put("algorithm", t.algorithm());
    d.put("uuid", t.uuid().toString());
    d.put("format", 1);
    d.put("mode", v.mode() == VerityOutput.Mode.SIDECAR ? "sidecar" : "appended");
    d.put("hashFile", v.hashFile().toString());
    d.put("rootHashFile", v.rootHashFile().toString());
    d.put("seconds", round(v.elapsed().toNanos() / 1e9, 3));
    return d;
  }

  /** {@code verity: root hash 4f2a...; tree appended at byte 1048576 (0.2 s), in X.roothash}. */
  static String verityLines(VerityOutcome v) {
    VerityResult t = v.tree();
    String n = System.lineSeparator();
    return "  verity:  root hash "
        + t.rootHashHex()
        + " (in "
        + v.rootHashFile().getFileName()
        + ")"
        + n
        + "           tree "
        + (v.mode() == VerityOutput.Mode.SIDECAR
            ? "in " + v.hashFile().getFileName()
            : "appended at byte " + t.hashOffset() + " (--hash-offset=" + t.hashOffset() + ")")
        + ", "
        + t.dataBlocks()
        + (t.dataBlocks() == 1 ? " data block, salt " : " data blocks, salt ")
        + t.saltHex()
        + ", made in "
        + ConvertProgress.seconds(v.elapsed().toNanos())
        + n;
  }

  /** What a pull downloaded and took from the cache, per layer blob and in total. */
  static Map<String, Object> pullDocument(PullStats p) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("reference", p.reference());
    d.put("cache", p.cache());
    d.put("blobsDownloaded", p.blobsDownloaded());
    d.put("bytesDownloaded", p.bytesDownloaded());
    d.put("blobsFromCache", p.blobsFromCache());
    d.put("bytesFromCache", p.bytesFromCache());
    d.put("downloadSeconds", round(p.downloading().toNanos() / 1e9, 3));
    d.put("bytesPerSecond", Math.round(p.rate()));
    List<Map<String, Object>> blobs = new ArrayList<>();
    for (PullStats.Blob b : p.blobs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("digest", b.digest().toString());
      m.put("size", b.size());
      m.put("fromCache", b.fromCache());
      m.put("bytesDownloaded", b.downloaded());
      blobs.add(m);
    }
    d.put("blobs", blobs);
    return d;
  }

  /** {@code pulled: 2 blobs downloaded (31.2 MiB at 48.1 MiB/s), 10 from the cache (1.1 GiB)}. */
  static String pullLine(PullStats p) {
    StringBuilder b = new StringBuilder("  pulled:  ");
    b.append(plural(p.blobsDownloaded(), "blob")).append(" downloaded");
    if (p.blobsDownloaded() > 0) {
      b.append(" (")
          .append(ConsoleReporter.bytes(p.bytesDownloaded()))
          .append(" at ")
          .append(ConsoleReporter.bytes((long) p.rate()))
          .append("/s)");
    }
    b.append(", ").append(p.blobsFromCache()).append(" from the cache");
    if (p.blobsFromCache() > 0) {
      b.append(" (").append(ConsoleReporter.bytes(p.bytesFromCache())).append(")");
    }
    if (p.cache() == null) {
      b.append("; no cache kept");
    }
    return b.toString();
  }

  private static double round(double v, int places) {
    double scale = Math.pow(10, places);
    return Math.round(v * scale) / scale;
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
