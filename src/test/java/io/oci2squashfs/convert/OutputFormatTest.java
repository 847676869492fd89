package io.oci2squashfs.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutputFormatTest {
  @Test
  void theOutputNameChoosesTheFormat() {
    assertEquals(OutputFormat.TAR, OutputFormat.forOutput("-", false));
    assertEquals(OutputFormat.TAR, OutputFormat.forOutput("out/rootfs.tar", false));
    assertEquals(OutputFormat.TAR, OutputFormat.forOutput("ROOTFS.TAR", false));
    assertEquals(OutputFormat.DIR, OutputFormat.forOutput("rootfs/", false));
    assertEquals(OutputFormat.DIR, OutputFormat.forOutput("rootfs", true));
    assertEquals(OutputFormat.SQUASHFS, OutputFormat.forOutput("rootfs", false));
    assertEquals(OutputFormat.SQUASHFS, OutputFormat.forOutput("rootfs.squashfs", false));
    // a compressed tar is not what is written: it is not taken for one
    assertEquals(OutputFormat.SQUASHFS, OutputFormat.forOutput("rootfs.tar.gz", false));
    assertEquals(OutputFormat.EROFS, OutputFormat.forOutput("rootfs.erofs", false));
    assertEquals(OutputFormat.EROFS, OutputFormat.forOutput("ROOTFS.EROFS", false));
  }

  @Test
  void formatNamesParseInAnyCaseAndUnknownOnesNameTheChoices() {
    assertEquals(OutputFormat.DIR, OutputFormat.parse("dir"));
    assertEquals(OutputFormat.SQUASHFS, OutputFormat.parse("SquashFS"));
    assertEquals(OutputFormat.TAR, OutputFormat.parse(OutputFormat.TAR.optionName()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OutputFormat.parse("zip"));
    assertTrue(e.getMessage().contains("squashfs, erofs, tar or dir"), e.getMessage());
    assertEquals(OutputFormat.EROFS, OutputFormat.parse("EROFS"));
  }
}
