package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
