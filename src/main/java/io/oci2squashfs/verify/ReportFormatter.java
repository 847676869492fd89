package io.oci2squashfs.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.json.Json;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Renders a {@link VerifyReport} for people (one line per difference, then counts) or scripts
 * (JSON).
 */
public final class ReportFormatter {
  private ReportFormatter() {}

  /**
   * The text form: {@code + path} only in the image, {@code - path} only in the reference, {@code ~
   * path: field: reference -> image}, then a summary line. Control characters in paths and values
   * are shown as {@code \ooo}; printable xattr values as quoted text.
   */
  public static String text(VerifyReport report) {
    StringBuilder b = new StringBuilder();
    for (Difference d : report.differences()) {
      b.append(d.change().sign()).append(' ').append(visible(d.path()));
      if (d.field() != null) {
        b.append(": ")
            .append(visible(d.fieldLabel()))
            .append(": ")
            .append(value(d, d.reference()))
            .append(" -> ")
            .append(value(d, d.image()));
      }
      b.append('\n');
    }
    if (report.verity() != null) {
      b.append(verityLine(report)).append('\n');
    }
    b.append(summary(report)).append('\n');
    return b.toString();
  }

  /**
   * The dm-verity line of {@link #text}: {@code verity: ok, ...} with root hash, its source and the
   * blocks checked, or {@code verity: FAILED: ...} with the first bad block.
   */
  public static String verityLine(VerifyReport report) {
    VerityCheck v = report.verity();
    if (!v.ok()) {
      return "verity: FAILED: " + v.failure().message();
    }
    return "verity: ok, "
        + v.dataBlocks()
        + (v.dataBlocks() == 1 ? " block matches" : " blocks match")
        + " root hash "
        + v.rootHash()
        + (v.authenticated()
            ? " (from " + v.rootHashFrom() + ")"
            : " (implied by the tree itself: NOT authenticated)")
        + (v.appended(report.squashfs())
            ? ", tree appended at byte " + v.hashOffset()
            : ", tree in " + v.hashFile());
  }

  /** The last line of {@link #text}: equal or not, counts, method and time. */
  public static String summary(VerifyReport report) {
    if (!report.verityOk()) {
      return String.format(
          Locale.ROOT,
          "different: a block does not match the dm-verity tree; the trees were not compared"
              + " (in %.1f s)",
          report.elapsed().toMillis() / 1000.0);
    }
    String tail =
        String.format(
            Locale.ROOT,
            " (image %d entries, reference %d; %sread by %s in %.1f s)",
            report.imageEntries(),
            report.referenceEntries(),
            report.format() == FilesystemImage.Format.SQUASHFS ? "" : "erofs ",
            report.method().label(),
            report.elapsed().toMillis() / 1000.0);
    if (report.equal()) {
      return "equal" + tail;
    }
    return String.format(
        Locale.ROOT,
        "different: %d only in image, %d only in reference, %d changed%s",
        report.onlyInImage(),
        report.onlyInReference(),
        report.changedPaths(),
        tail);
  }

  /**
   * The JSON form, one document:
   *
   * <pre>{@code
   * {"equal": false, "squashfs": "...", "reference": "...", "image": "...", "format": "erofs",
   *  "method": "mount",
   *  "verity": {"checked": true, "ok": true, "rootHash": "...", "rootHashFrom": "x.roothash",
   *             "authenticated": true, "dataBlocks": 20, "hashFile": "...", "hashOffset": 81920},
   *  "counts": {"onlyInImage": 1, "onlyInReference": 0, "changed": 1,
   *             "imageEntries": 9, "referenceEntries": 8},
   *  "differences": [
   *    {"change": "onlyInImage", "path": "/new"},
   *    {"change": "changed", "path": "/bin/ping", "field": "xattr", "xattr": "security.capability",
   *     "reference": "(none)", "image": "0x0100000200200000000000000000000000000000"}],
   *  "notes": [], "seconds": 0.41}
   * }</pre>
   */
  public static String json(VerifyReport report) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("equal", report.equal());
    root.put("squashfs", report.squashfs().toString());
    root.put("reference", report.reference());
    root.put("image", report.squashfs().toString());
    root.put("format", report.format().label());
    root.put("method", report.method().label());
    ObjectNode verity = root.putObject("verity");
    VerityCheck v = report.verity();
    verity.put("checked", v != null);
    if (v != null) {
      verity.put("ok", v.ok());
      verity.put("rootHash", v.rootHash());
      verity.put("rootHashFrom", v.rootHashFrom());
      verity.put("authenticated", v.authenticated());
      verity.put("dataBlocks", v.dataBlocks());
      verity.put("hashFile", v.hashFile().toString());
      verity.put("hashOffset", v.hashOffset());
      if (!v.ok()) {
        ObjectNode f = verity.putObject("failure");
        f.put("kind", v.failure().kind());
        f.put("file", v.failure().file().toString());
        f.put("offset", v.failure().offset());
        f.put("level", v.failure().level());
        f.put("message", v.failure().message());
      }
    }
    ObjectNode counts = root.putObject("counts");
    counts.put("onlyInImage", report.onlyInImage());
    counts.put("onlyInReference", report.onlyInReference());
    counts.put("changed", report.changedPaths());
    counts.put("imageEntries", report.imageEntries());
    counts.put("referenceEntries", report.referenceEntries());
    ArrayNode diffs = root.putArray("differences");
    for (Difference d : report.differences()) {
      ObjectNode o = diffs.addObject();
      o.put(
          "change",
          d.change() == Difference.Change.ONLY_IN_IMAGE
              ? "onlyInImage"
              : d.change() == Difference.Change.ONLY_IN_REFERENCE ? "onlyInReference" : "changed");
      o.put("path", d.path());
      if (d.field() != null) {
        o.put("field", d.field().label());
        if (d.xattr() != null) {
          o.put("xattr", d.xattr());
        }
        o.put("reference", d.reference());
        o.put("image", d.image());
      }
    }
    ArrayNode notes = root.putArray("notes");
    report.notes().forEach(notes::add);
    root.put("seconds", report.elapsed().toMillis() / 1000.0);
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String value(Difference d, String v) {
    if (d.field() == Difference.Field.XATTR && v.startsWith("0x")) {
      byte[] bytes = HexFormat.of().parseHex(v.substring(2));
      boolean printable = bytes.length > 0;
      for (byte x : bytes) {
        printable &= x >= 0x20 && x < 0x7f;
      }
      return printable
          ? "\"" + new String(bytes, java.nio.charset.StandardCharsets.US_ASCII) + "\""
          : v;
    }
    return visible(v);
  }

  /** Control characters as {@code \ooo}, so that one difference stays one line. */
  static String visible(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(s.substring(0, i));
        }
        b.append(String.format("\\%03o", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
