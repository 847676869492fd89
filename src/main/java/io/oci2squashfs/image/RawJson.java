package io.oci2squashfs.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * A JSON document exactly as read, byte for byte: what a changed copy is made from, so that the
 * fields this tool does not know are kept. The loaders make one only of a document they parsed.
 */
public record RawJson(byte[] bytes) {
  public RawJson {
    bytes = Objects.requireNonNull(bytes, "bytes").clone();
  }

  /** A copy of the bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawJson && Arrays.equals(bytes, ((RawJson) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "RawJson[" + bytes.length + " bytes]";
  }
}
