package io.oci2squashfs.tar;

/**
 * A modification time: whole seconds since the epoch (may be negative) plus nanoseconds
 * 0..999,999,999.
 */
public record Mtime(long seconds, int nanos) {
  public static final Mtime EPOCH = new Mtime(0, 0);

  public Mtime {
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("nanos out of range: " + nanos);
    }
  }

  public static Mtime ofSeconds(long seconds) {
    return new Mtime(seconds, 0);
  }

  /**
   * Parses a PAX {@code mtime} value such as {@code 1600000000}, {@code 1600000000.5} or {@code
   * -1.25}; digits past nanoseconds are dropped.
   *
   * @throws NumberFormatException if it is not such a number
   */
  public static Mtime parsePax(String text) {
    String s = text.trim();
    boolean negative = s.startsWith("-");
    String body = negative ? s.substring(1) : s;
    int dot = body.indexOf('.');
    String whole = dot < 0 ? body : body.substring(0, dot);
    String frac = dot < 0 ? "" : body.substring(dot + 1);
    if (whole.isEmpty() && frac.isEmpty()) {
      throw new NumberFormatException("empty time: '" + text + "'");
    }
    for (int i = 0; i < whole.length(); i++) {
      if (!Character.isDigit(whole.charAt(i))) {
        throw new NumberFormatException("not a time: '" + text + "'");
      }
    }
    for (int i = 0; i < frac.length(); i++) {
      if (!Character.isDigit(frac.charAt(i))) {
        throw new NumberFormatException("not a time: '" + text + "'");
      }
    }
    long secs = whole.isEmpty() ? 0 : Long.parseLong(whole);
    String nineDigits = (frac + "000000000").substring(0, 9);
    int nanos = Integer.parseInt(nineDigits);
    if (!negative) {
      return new Mtime(secs, nanos);
    }
    // -1.25 is 1.25 s before the epoch: seconds -2, nanos 0.75e9
    return nanos == 0 ? new Mtime(-secs, 0) : new Mtime(-secs - 1, 1_000_000_000 - nanos);
  }

  /**
   * The PAX form, always with a decimal point (mksquashfs 4.6.1 rejects a PAX mtime without one).
   */
  public String toPaxString() {
    if (seconds < 0 && nanos != 0) {
      long whole = -(seconds + 1);
      String frac = String.format("%09d", 1_000_000_000 - nanos).replaceAll("0+$", "");
      return "-" + whole + "." + frac;
    }
    String frac = nanos == 0 ? "0" : String.format("%09d", nanos).replaceAll("0+$", "");
    return seconds + "." + frac;
  }
}
