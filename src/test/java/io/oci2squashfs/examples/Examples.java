package io.oci2squashfs.examples;

import java.io.IOException;

/** Runs the README's examples from tests in other packages. */
public final class Examples {
  private Examples() {}

  public static void convert(String image, String output) throws IOException {
    ConvertExample.main(new String[] {image, output});
  }

  /**
   * @return 0 when equal, 3 when not
   */
  public static int verify(String squashfs, String image, String tag) throws IOException {
    return VerifyExample.verify(new String[] {squashfs, image, tag});
  }
}
