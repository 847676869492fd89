package io.oci2squashfs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.exec.ToolException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MksquashfsToolTest {
  @TempDir Path tmp;

  @Test
  void acceptsFourSixAndLater() throws Exception {
    assertEquals(
        "4.6.1",
        MksquashfsTool.locate(FakeMksquashfs.write(tmp, "4.6.1", "").toString()).version());
    assertEquals(
        "4.7",
        MksquashfsTool.locate(FakeMksquashfs.write(tmp, "4.7", "true").toString()).version());
  }

  @Test
  void refusesTooOldWithTheFix() throws Exception {
    Path old = FakeMksquashfs.write(tmp, "4.5.1", "");
    ToolException e =
        assertThrows(ToolException.class, () -> MksquashfsTool.locate(old.toString()));
    assertTrue(e.getMessage().contains("4.5.1") && e.getMessage().contains("4.6"), e.getMessage());
    assertTrue(e.hint().contains("scripts/setup"), e.hint());
  }

  @Test
  void missingToolSaysWhereItLooked() {
    ToolException e =
        assertThrows(
            ToolException.class, () -> MksquashfsTool.locate(tmp.resolve("nope").toString()));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
    assertThrows(ToolException.class, () -> MksquashfsTool.locate("no-such-mksquashfs-anywhere"));
  }
}
