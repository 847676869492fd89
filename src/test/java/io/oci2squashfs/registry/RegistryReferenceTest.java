package io.oci2squashfs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.image.Digest;
import org.junit.jupiter.api.Test;

class RegistryReferenceTest {
  private static final String HEX =
      "2b37151de1e196bea864d61b7a21fb22a3c6dcb405fe45abee57739ef27e8bf1";

  @Test
  void aOnePartNameIsAnOfficialImageOnDockerHub() {
    RegistryReference r = RegistryReference.parse("docker://debian");
    assertEquals("docker.io", r.registry());
    assertEquals("library/debian", r.repository());
    assertEquals("latest", r.tag());
    assertNull(r.digest());
    assertEquals("registry-1.docker.io", r.apiHost());
    assertEquals("docker://docker.io/library/debian:latest", r.toString());
  }

  @Test
  void aTwoPartNameWithoutDotOrColonIsStillDockerHub() {
    RegistryReference r = RegistryReference.parse("docker://bitnami/redis:7.2");
    assertEquals("docker.io", r.registry());
    assertEquals("bitnami/redis", r.repository());
    assertEquals("7.2", r.tag());
  }

  @Test
  void aFirstPartWithADotAPortOrLocalhostIsTheRegistry() {
    RegistryReference port = RegistryReference.parse("docker://127.0.0.1:5000/demo:v1");
    assertEquals("127.0.0.1:5000", port.registry());
    assertEquals("demo", port.repository());
    assertEquals("127.0.0.1:5000", port.apiHost());
    assertEquals("localhost", RegistryReference.parse("docker://localhost/a/b").registry());
    RegistryReference quay = RegistryReference.parse("docker://quay.io/org/app");
    assertEquals("quay.io", quay.registry());
    assertEquals("org/app", quay.repository());
    assertEquals("latest", quay.tag());
  }

  @Test
  void dockerHubsOtherNamesAreDockerHub() {
    assertEquals(
        "docker.io", RegistryReference.parse("docker://index.docker.io/library/x").registry());
    assertEquals(
        "docker.io", RegistryReference.parse("docker://registry-1.docker.io/library/x").registry());
  }

  @Test
  void aDigestNamesTheManifestEvenWithATag() {
    RegistryReference r = RegistryReference.parse("docker://quay.io/a/b:1.0@sha256:" + HEX);
    assertNull(r.tag());
    assertEquals(Digest.parse("sha256:" + HEX), r.digest());
    assertEquals("sha256:" + HEX, r.manifestReference());
    assertEquals("quay.io/a/b@sha256:" + HEX, r.name());
  }

  @Test
  void aPortIsNotTakenForATag() {
    RegistryReference r = RegistryReference.parse("docker://myhost:5000/app");
    assertEquals("myhost:5000", r.registry());
    assertEquals("latest", r.tag());
  }

  @Test
  void malformedReferencesAreRefusedWithTheReferenceQuoted() {
    for (String bad :
        new String[] {
          "docker://",
          "docker://UPPER",
          "docker://a//b",
          "docker://a:",
          "docker://a@sha256:12",
          "docker://host:5000/",
          "docker://a:tag!"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RegistryReference.parse(bad), bad);
      assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }
  }

  @Test
  void onlyDockerSchemeIsARegistryReference() {
    assertTrue(RegistryReference.isRegistryReference("docker://x"));
    assertFalse(RegistryReference.isRegistryReference("oci:x"));
    assertFalse(RegistryReference.isRegistryReference("docker-archive:x.tar"));
  }
}
