package io.oci2squashfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {
  @ParameterizedTest
  @CsvSource({
    "amd64, linux/amd64",
    "x86_64, linux/amd64",
    "aarch64, linux/arm64/v8",
    "arm, linux/arm",
    "ppc64le, linux/ppc64le",
    "s390x, linux/s390x",
    "riscv64, linux/riscv64",
    "i686, linux/386",
  })
  void mapsJavaArchitectures(String javaArch, String expected) {
    assertEquals(expected, Platform.fromJavaArch(javaArch).toString());
  }

  @Test
  void hostIsLinux() {
    assertEquals("linux", Platform.host().os());
  }

  @Test
  void parsesDockerPlatformSyntax() {
    assertEquals(new Platform("linux", "arm64", "v8"), Platform.parse("linux/arm64/v8"));
    assertEquals(Platform.of("linux", "amd64"), Platform.parse("linux/amd64"));
    assertNull(Platform.parse("linux/amd64").variant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"linux", "linux/", "/amd64", "linux/arm/v7/x", ""})
  void rejectsOtherPlatformSyntax(String text) {
    assertThrows(IllegalArgumentException.class, () -> Platform.parse(text));
  }

  @Test
  void wantedWithoutVariantMatchesAnyVariant() {
    Platform wanted = Platform.parse("linux/arm");
    assertTrue(wanted.matches(Platform.parse("linux/arm/v6")));
    assertTrue(wanted.matches(Platform.parse("linux/arm/v7")));
    assertFalse(wanted.matchesExactly(Platform.parse("linux/arm/v6")));
    assertTrue(wanted.matchesExactly(Platform.parse("linux/arm/v7")), "arm defaults to v7");
    assertFalse(wanted.matches(Platform.parse("linux/arm64")));
    assertFalse(wanted.matches(Platform.parse("windows/arm")));
  }

  @Test
  void wantedVariantMustBeEqualCountingDefaults() {
    Platform hostArm64 = Platform.parse("linux/arm64/v8");
    assertTrue(hostArm64.matchesExactly(Platform.parse("linux/arm64")), "arm64 defaults to v8");
    assertFalse(hostArm64.matches(Platform.parse("linux/arm64/v9")));
    assertFalse(Platform.parse("linux/arm/v7").matches(Platform.parse("linux/arm/v6")));
  }
}
