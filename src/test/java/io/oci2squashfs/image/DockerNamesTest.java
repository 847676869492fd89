package io.oci2squashfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DockerNamesTest {
  @Test
  void familiarNamesAreQualified() {
    assertEquals("docker.io/library/demo:latest", DockerNames.normalise("demo"));
    assertEquals("docker.io/library/demo:latest", DockerNames.normalise("demo:latest"));
    assertEquals(
        "docker.io/library/demo:latest", DockerNames.normalise("docker.io/library/demo:latest"));
    assertEquals("docker.io/library/demo:1", DockerNames.normalise("docker.io/demo:1"));
    assertEquals("docker.io/me/app:2", DockerNames.normalise("me/app:2"));
  }

  @Test
  void registriesAreKept() {
    assertEquals("ghcr.io/o/app:latest", DockerNames.normalise("ghcr.io/o/app"));
    assertEquals("localhost:5000/app:3", DockerNames.normalise("localhost:5000/app:3"));
    assertEquals("localhost/app:latest", DockerNames.normalise("localhost/app"));
    assertEquals("docker.io/library/app@sha256:ab", DockerNames.normalise("app@sha256:ab"));
  }
}
