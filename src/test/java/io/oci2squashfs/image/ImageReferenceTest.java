package io.oci2squashfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.oci2squashfs.image.ImageReference.Transport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  @Test
  void skopeoSpellings() {
    assertEquals(
        new ImageReference(Transport.OCI, Path.of("dir"), null), ImageReference.parse("oci:dir"));
    assertEquals(
        new ImageReference(Transport.OCI, Path.of("/a/dir"), "latest"),
        ImageReference.parse("oci:/a/dir:latest"));
    assertEquals(
        new ImageReference(Transport.OCI_ARCHIVE, Path.of("x.tar"), "v1"),
        ImageReference.parse("oci-archive:x.tar:v1"));
    assertEquals(
        new ImageReference(Transport.DOCKER_ARCHIVE, Path.of("/tmp/x.tar"), "demo:latest"),
        ImageReference.parse("docker-archive:/tmp/x.tar:demo:latest"));
    assertEquals(
        new ImageReference(Transport.DOCKER_ARCHIVE, Path.of("x.tar"), null),
        ImageReference.parse("docker-archive:x.tar:"));
  }

  @Test
  void otherTextIsNoReference() {
    assertNull(ImageReference.parse("examples/demo-image"));
    assertNull(ImageReference.parse("/tmp/oci:x"));
    assertNull(ImageReference.parse("docker://alpine"));
  }

  @Test
  void aReferenceNeedsAPath() {
    assertEquals(
        "invalid image reference \"oci-archive::v1\": no path after oci-archive:",
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("oci-archive::v1"))
            .getMessage());
  }
}
