package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.fail;

import io.oci2squashfs.exec.Executables;

/** End-to-end tests need real tools; fail loudly, with the fix, when one is missing. */
final class Tools {
  private Tools() {}

  /** The path of an installed tool, found on PATH. */
  static String path(String name) {
    require(name);
    return Executables.find(name).toString();
  }

  static void require(String... names) {
    for (String name : names) {
      if (Executables.find(name) == null) {
        fail(name + " is not installed; the end-to-end tests need it. Run: sudo scripts/setup");
      }
    }
  }
}
