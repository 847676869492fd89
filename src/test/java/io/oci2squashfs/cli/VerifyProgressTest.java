package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class VerifyProgressTest {
  private long now;

  @Test
  void lineSaysTheStepWhatItReadAndItsTime() {
    assertEquals(
        "verify: mounting x.sqfs, 0:03",
        VerifyProgress.line("mounting x.sqfs", 0, 0, 3_200_000_000L));
    assertEquals(
        "verify: reading the mounted image: 93,482 entries, 2.5 GiB hashed, 1:05",
        VerifyProgress.line("reading the mounted image", 93_482, 2_684_354_560L, 65_000_000_000L));
  }

  @Test
  void eachStepIsRedrawnInPlaceThenLeftStanding() {
    StringWriter text = new StringWriter();
    try (VerifyProgress p =
        new VerifyProgress(new PrintWriter(text), 200, () -> now, false, false)) {
      p.step("unpacking img with umoci");
      now += 2_000_000_000L;
      p.step("reading unpacked reference");
      now += 150_000_000L;
      p.progress(10, 2048);
      now += 50_000_000L;
      p.progress(20, 4096); // within 100 ms of the last drawing: not drawn
      now += 100_000_000L;
      p.progress(30, 8192);
      p.note("squashfuse quirk");
      p.detail("a quirk corrected"); // not verbose: not shown
    }
    String[] lines = text.toString().split("\n", -1);
    assertTrue(lines[0].endsWith("\rverify: unpacking img with umoci, 0:02\033[K"), lines[0]);
    assertTrue(
        lines[1].contains(
            "\rverify: reading unpacked reference: 10 entries, 2.0 KiB hashed, 0:00\033[K"),
        lines[1]);
    assertTrue(!lines[1].contains("20 entries"), "a redraw within 100 ms is skipped: " + lines[1]);
    assertTrue(lines[1].contains("30 entries, 8.0 KiB hashed"), lines[1]);
    assertTrue(lines[1].endsWith("\r\033[Knote: squashfuse quirk"), lines[1]);
    assertTrue(
        lines[2].contains("verify: reading unpacked reference: 30 entries"),
        "drawn again below the note, " + "and left standing at the end: " + lines[2]);
    assertEquals("", lines[3]);
    assertTrue(!text.toString().contains("a quirk corrected"));
  }
}
