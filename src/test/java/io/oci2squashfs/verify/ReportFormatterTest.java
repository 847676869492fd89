package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text and JSON forms of a report. */
class ReportFormatterTest {
  static VerifyReport report(List<Difference> d) {
    return new VerifyReport(
        Path.of("x.squashfs"),
        "ref",
        Method.MOUNT,
        d,
        10,
        9,
        List.of("a note"),
        Duration.ofMillis(1500));
  }

  static final List<Difference> SOME =
      List.of(
          Difference.onlyInReference("/gone"),
          Difference.onlyInImage("/new\nline"),
          Difference.changed("/a", Difference.Field.PERMISSIONS, "0644", "0755"),
          Difference.xattr("/bin/ping", "security.capability", "(none)", "0x0100"),
          Difference.xattr("/a", "user.mime", "0x746578742f706c61696e", "(none)"));

  @Test
  void text() {
    assertEquals(
        String.join(
            "\n",
            "- /gone",
            "+ /new\\012line",
            "~ /a: mode: 0644 -> 0755",
            "~ /bin/ping: xattr security.capability: (none) -> 0x0100",
            "~ /a: xattr user.mime: \"text/plain\" -> (none)",
            "different: 1 only in image, 1 only in reference, 2 changed (image 10 entries,"
                + " reference 9; read by mount in 1.5 s)",
            ""),
        ReportFormatter.text(report(SOME)));
    assertEquals(
        "equal (image 10 entries, reference 9; read by mount in 1.5 s)\n",
        ReportFormatter.text(report(List.of())));
  }

  @Test
  void json() throws Exception {
    JsonNode j = Json.MAPPER.readTree(ReportFormatter.json(report(SOME)));
    assertEquals(false, j.get("equal").asBoolean());
    assertEquals("mount", j.get("method").asText());
    assertEquals(1, j.get("counts").get("onlyInImage").asInt());
    assertEquals(2, j.get("counts").get("changed").asInt());
    assertEquals(10, j.get("counts").get("imageEntries").asInt());
    assertEquals(5, j.get("differences").size());
    JsonNode x = j.get("differences").get(3);
    assertEquals("changed", x.get("change").asText());
    assertEquals("xattr", x.get("field").asText());
    assertEquals("security.capability", x.get("xattr").asText());
    assertEquals("(none)", x.get("reference").asText());
    assertEquals("0x0100", x.get("image").asText());
    assertEquals("/new\nline", j.get("differences").get(1).get("path").asText());
    assertTrue(j.get("differences").get(0).get("field") == null);
    assertEquals("a note", j.get("notes").get(0).asText());
    assertEquals(
        true,
        Json.MAPPER.readTree(ReportFormatter.json(report(List.of()))).get("equal").asBoolean());
  }

  static final String ROOT = "ab".repeat(32);

  static VerifyReport erofs(VerityCheck v, List<Difference> d) {
    return new VerifyReport(
        Path.of("x.erofs"),
        "ref",
        Method.EXTRACT,
        d,
        v != null && !v.ok() ? 0 : 10,
        v != null && !v.ok() ? 0 : 10,
        List.of(),
        Duration.ofMillis(2500),
        FilesystemImage.Format.EROFS,
        v);
  }

  static VerityCheck ok(String from, boolean authenticated) {
    return new VerityCheck(ROOT, from, authenticated, 20, Path.of("x.erofs"), 81920, null);
  }

  static final VerityCheck BAD =
      new VerityCheck(
          ROOT,
          "--root-hash",
          true,
          20,
          Path.of("x.erofs"),
          81920,
          new VerityCheck.Failure(
              "data",
              Path.of("x.erofs"),
              8192,
              -1,
              "x.erofs: data block 2 at byte 8192 does not match its hash"));

  @Test
  void erofsAndVerityText() {
    assertEquals(
        "verity: ok, 20 blocks match root hash "
            + ROOT
            + " (from x.erofs.roothash), tree appended at byte 81920\n"
            + "equal (image 10 entries, reference 10; erofs read by extract in 2.5 s)\n",
        ReportFormatter.text(erofs(ok("x.erofs.roothash", true), List.of())));
    VerityCheck side =
        new VerityCheck(ROOT, "the tree itself", false, 20, Path.of("x.verity"), 0, null);
    assertEquals(
        "verity: ok, 20 blocks match root hash "
            + ROOT
            + " (implied by the tree itself: NOT authenticated), tree in x.verity",
        ReportFormatter.verityLine(erofs(side, List.of())));
    assertEquals(
        "verity: FAILED: x.erofs: data block 2 at byte 8192 does not match its hash\n"
            + "different: a block does not match the dm-verity tree; the trees were not compared"
            + " (in 2.5 s)\n",
        ReportFormatter.text(erofs(BAD, List.of())));
    assertFalse(erofs(BAD, List.of()).equal());
    VerityCheck one = new VerityCheck(ROOT, "--root-hash", true, 1, Path.of("x.erofs"), 4096, null);
    assertTrue(
        ReportFormatter.verityLine(erofs(one, List.of()))
            .startsWith("verity: ok, 1 block matches"));
    assertFalse(erofs(ok("--root-hash", true), SOME).equal());
  }

  @Test
  void erofsAndVerityJson() throws Exception {
    JsonNode ok = Json.MAPPER.readTree(ReportFormatter.json(erofs(ok("--root-hash", true), SOME)));
    assertEquals("erofs", ok.get("format").asText());
    assertEquals("extract", ok.get("method").asText());
    assertEquals("x.erofs", ok.get("image").asText());
    JsonNode v = ok.get("verity");
    assertTrue(v.get("checked").asBoolean());
    assertTrue(v.get("ok").asBoolean());
    assertTrue(v.get("authenticated").asBoolean());
    assertEquals(ROOT, v.get("rootHash").asText());
    assertEquals("--root-hash", v.get("rootHashFrom").asText());
    assertEquals(20, v.get("dataBlocks").asLong());
    assertEquals(81920, v.get("hashOffset").asLong());
    assertEquals("x.erofs", v.get("hashFile").asText());
    assertTrue(v.get("failure") == null);
    JsonNode bad = Json.MAPPER.readTree(ReportFormatter.json(erofs(BAD, List.of())));
    assertFalse(bad.get("equal").asBoolean());
    JsonNode f = bad.get("verity").get("failure");
    assertEquals("data", f.get("kind").asText());
    assertEquals(8192, f.get("offset").asLong());
    assertEquals(-1, f.get("level").asInt());
    assertEquals("x.erofs", f.get("file").asText());
    assertTrue(f.get("message").asText().contains("byte 8192"));
    JsonNode none = Json.MAPPER.readTree(ReportFormatter.json(report(List.of())));
    assertFalse(none.get("verity").get("checked").asBoolean());
    assertEquals("squashfs", none.get("format").asText());
  }
}
