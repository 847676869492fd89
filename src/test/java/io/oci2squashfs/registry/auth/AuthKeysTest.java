package io.oci2squashfs.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthKeysTest {
  @Test
  void dockerHubHasOneName() {
    assertEquals("docker.io", AuthKeys.normalizeRegistry("docker.io"));
    assertEquals("docker.io", AuthKeys.normalizeRegistry("index.docker.io"));
    assertEquals("docker.io", AuthKeys.normalizeRegistry("Registry-1.Docker.IO"));
    assertEquals("quay.io", AuthKeys.normalizeRegistry("QUAY.io"));
    assertEquals("localhost:5000", AuthKeys.normalizeRegistry("localhost:5000"));
  }

  @Test
  void urlKeysNameTheirHost() {
    assertEquals("docker.io", AuthKeys.registryOfKey("https://index.docker.io/v1/"));
    assertEquals("docker.io", AuthKeys.registryOfKey("registry-1.docker.io"));
    assertEquals("quay.io", AuthKeys.registryOfKey("https://quay.io/"));
    assertEquals("quay.io", AuthKeys.registryOfKey("https://quay.io"));
    assertEquals("reg:5000", AuthKeys.registryOfKey("http://reg:5000/v1/"));
    assertEquals("reg:5000", AuthKeys.registryOfKey("reg:5000"));
    // a namespace key without a scheme is no registry key
    assertEquals("quay.io/ns", AuthKeys.registryOfKey("quay.io/ns"));
  }

  @Test
  void candidatesGoFromRepositoryToRegistry() {
    assertEquals(
        List.of("quay.io/a/b/c", "quay.io/a/b", "quay.io/a", "quay.io"),
        AuthKeys.candidates("quay.io", "a/b/c"));
    assertEquals(List.of("quay.io"), AuthKeys.candidates("quay.io", ""));
  }

  @Test
  void helpersAreAskedForDockerHubByItsV1Url() {
    assertEquals("https://index.docker.io/v1/", AuthKeys.serverUrl("docker.io"));
    assertEquals("ghcr.io", AuthKeys.serverUrl("ghcr.io"));
  }
}
