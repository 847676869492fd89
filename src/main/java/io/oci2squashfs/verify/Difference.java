package io.oci2squashfs.verify;

import java.util.Objects;

/**
 * One way the image differs from the reference. For {@link Change#CHANGED}, {@code field} says
 * what, and {@code reference} and {@code image} give the two values as text (xattr values as {@code
 * 0x} hex, content as {@code sha256:} digests, {@code (none)} for a missing xattr); the other
 * changes have no field and null values.
 *
 * @param xattr the attribute's name when {@code field} is {@link Field#XATTR}, else null
 */
public record Difference(
    Change change, String path, Field field, String xattr, String reference, String image) {
  /** How a path differs. */
  public enum Change {
    /** The path is only in the image ({@code +}). */
    ONLY_IN_IMAGE("+"),
    /** The path is only in the reference ({@code -}). */
    ONLY_IN_REFERENCE("-"),
    /** The path is in both, with a different value of one field ({@code ~}). */
    CHANGED("~");

    private final String sign;

    Change(String sign) {
      this.sign = sign;
    }

    public String sign() {
      return sign;
    }
  }

  /** What about a path differs. */
  public enum Field {
    TYPE("type"),
    PERMISSIONS("mode"),
    UID("uid"),
    GID("gid"),
    SIZE("size"),
    CONTENT("content"),
    SYMLINK_TARGET("target"),
    DEVICE("device"),
    XATTR("xattr"),
    HARD_LINKS("hardlinks"),
    MTIME("mtime");

    private final String label;

    Field(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Difference {
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(path, "path");
    if ((change == Change.CHANGED) != (field != null)) {
      throw new IllegalArgumentException("a field goes with CHANGED, and only with it");
    }
    if ((field == Field.XATTR) != (xattr != null)) {
      throw new IllegalArgumentException(
          "an xattr name goes with the XATTR field, and only with it");
    }
  }

  public static Difference onlyInImage(String path) {
    return new Difference(Change.ONLY_IN_IMAGE, path, null, null, null, null);
  }

  public static Difference onlyInReference(String path) {
    return new Difference(Change.ONLY_IN_REFERENCE, path, null, null, null, null);
  }

  public static Difference changed(String path, Field field, String reference, String image) {
    return new Difference(Change.CHANGED, path, field, null, reference, image);
  }

  public static Difference xattr(String path, String name, String reference, String image) {
    return new Difference(Change.CHANGED, path, Field.XATTR, name, reference, image);
  }

  /** The field as reports name it: {@code mode}, {@code xattr security.capability}, ... */
  public String fieldLabel() {
    return field == null ? null : field == Field.XATTR ? "xattr " + xattr : field.label();
  }
}
