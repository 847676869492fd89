package io.oci2squashfs.verity;

import java.util.HexFormat;

/** Lowercase hex, as {@code veritysetup} prints root hashes and salts. */
final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  static String of(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static byte[] parse(String hex) {
    return HEX.parseHex(hex);
  }
}
