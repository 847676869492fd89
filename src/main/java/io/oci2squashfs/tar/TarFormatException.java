package io.oci2squashfs.tar;

import java.io.IOException;

/**
 * A tar stream that cannot be read: bad header, malformed PAX record, truncation, forbidden name.
 */
public final class TarFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long entryNumber;
  private final String entryName;
  private final String problem;

  /**
   * @param entryNumber 1-based number of the entry being read (meta headers are not counted)
   * @param entryName raw name of that entry (one char per byte), or null when not yet known
   * @param problem what is wrong, e.g. {@code bad checksum}
   */
  public TarFormatException(long entryNumber, String entryName, String problem) {
    super(format(entryNumber, entryName, problem));
    this.entryNumber = entryNumber;
    this.entryName = entryName;
    this.problem = problem;
  }

  /** Like {@link #TarFormatException(long, String, String)}, keeping the underlying cause. */
  public TarFormatException(long entryNumber, String entryName, String problem, Throwable cause) {
    this(entryNumber, entryName, problem);
    initCause(cause);
  }

  private static String format(long entryNumber, String entryName, String problem) {
    StringBuilder sb = new StringBuilder("entry #").append(entryNumber);
    if (entryName != null) {
      sb.append(" '").append(EntryPath.shortDisplayOf(entryName)).append('\'');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The 1-based number of the entry that could not be read. */
  public long entryNumber() {
    return entryNumber;
  }

  /** The raw name of the entry, or null when the error came before the name was known. */
  public String entryName() {
    return entryName;
  }

  /** The problem alone, without the entry number and name. */
  public String problem() {
    return problem;
  }
}
