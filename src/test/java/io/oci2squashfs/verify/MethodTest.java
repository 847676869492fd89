package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Method names, old and new, and the non-mount method of each format. */
class MethodTest {
  @Test
  void parsesEveryNameInAnyCase() {
    assertEquals(Method.AUTO, Method.parse("auto"));
    assertEquals(Method.MOUNT, Method.parse("Mount"));
    assertEquals(Method.EXTRACT, Method.parse("extract"));
    assertEquals(Method.UNSQUASHFS, Method.parse(" UNSQUASHFS "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Method.parse("kernel"));
    assertEquals("unknown method 'kernel': use auto, mount, extract or unsquashfs", e.getMessage());
  }

  @Test
  void withoutMountEachFormatHasItsOwnReader() {
    assertEquals(Method.UNSQUASHFS, Method.withoutMount(FilesystemImage.Format.SQUASHFS));
    assertEquals(Method.EXTRACT, Method.withoutMount(FilesystemImage.Format.EROFS));
  }
}
