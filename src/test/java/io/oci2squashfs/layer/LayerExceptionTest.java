package io.oci2squashfs.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class LayerExceptionTest {
  private static final String DIGEST =
      "sha256:ab12cd34ef5678901234567890123456789012345678901234567890abcdef12";

  @Test
  void messageNamesLayerShortDigestAndEntry() {
    LayerException e = new LayerException(3, 7, DIGEST, "usr/bin/x", "truncated entry", null);

    assertEquals("layer 3/7 sha256:ab12cd34ef56: entry usr/bin/x: truncated entry", e.getMessage());
    assertEquals(DIGEST, e.digest());
    assertEquals(3, e.layerIndex());
    assertEquals(7, e.layerCount());
    assertEquals("usr/bin/x", e.entryName());
    assertEquals("truncated entry", e.detail());
  }

  @Test
  void contextIsAddedAtEachBoundary() {
    IOException cause = new EOFException("unexpected end");
    LayerException inner = new LayerException("bad header", cause);
    assertEquals("bad header", inner.getMessage());

    LayerException withEntry = inner.withEntry("etc/passwd");
    assertEquals("entry etc/passwd: bad header", withEntry.getMessage());

    LayerException full = withEntry.withLayer(0, 2, DIGEST);
    assertEquals("layer 0/2 sha256:ab12cd34ef56: entry etc/passwd: bad header", full.getMessage());
    assertSame(cause, full.getCause());
    assertEquals(inner.getStackTrace()[0], full.getStackTrace()[0]);
  }

  @Test
  void wrapAddsContextOnce() {
    LayerException plain = LayerException.wrap(new java.io.IOException("short read"), 1, 4, DIGEST);
    assertEquals("layer 1/4 sha256:ab12cd34ef56: short read", plain.getMessage());
    assertSame(plain, LayerException.wrap(plain, 2, 4, "sha256:ffff"));

    LayerException noMessage = LayerException.wrap(new java.io.IOException(), 1, 4, DIGEST);
    assertEquals("layer 1/4 sha256:ab12cd34ef56: IOException", noMessage.getMessage());
  }

  @Test
  void truncationIsExplainedInTheUsersTerms() {
    LayerException eof =
        LayerException.wrap(new EOFException("Unexpected end of ZLIB input stream"), 1, 4, DIGEST);
    assertEquals(
        "layer 1/4 sha256:ab12cd34ef56: the blob ends early, it is truncated or corrupt"
            + " (Unexpected end of ZLIB input stream)",
        eof.getMessage());
    // zstd-jni says only "Truncated source" (found by BadInputIT)
    LayerException zstd =
        LayerException.wrap(new java.io.IOException("Truncated source"), 1, 4, DIGEST);
    assertEquals(
        "layer 1/4 sha256:ab12cd34ef56: the blob ends early, it is truncated or corrupt"
            + " (Truncated source)",
        zstd.getMessage());
    LayerException zip =
        LayerException.wrap(new java.util.zip.ZipException("invalid block type"), 0, 1, DIGEST);
    assertEquals(
        "layer 0/1 sha256:ab12cd34ef56: the blob's gzip data is corrupt (invalid block type)",
        zip.getMessage());
  }

  @Test
  void unknownPartsAreLeftOut() {
    assertEquals("layer 2: x", new LayerException(2, -1, null, null, "x", null).getMessage());
    assertEquals(
        "layer abc/layer.tar: x",
        new LayerException(-1, -1, "abc/layer.tar", null, "x", null).getMessage());
    assertEquals(
        "layer 5/9 0123/layer.tar: x",
        new LayerException(5, 9, "0123/layer.tar", null, "x", null).getMessage());
  }
}
