package io.oci2squashfs.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Paths to leave out of a comparison, given as globs the way {@code .gitignore} reads them: a glob
 * without a slash matches a name at any depth ({@code *.pyc}); one with a slash matches the path
 * from the root ({@code /etc/hostname}, {@code var/cache/**}; the leading slash is optional).
 * {@code *} and {@code ?} stay within one name, {@code **} crosses slashes, {@code [abc]} is a
 * class. A path is left out when it or any directory above it matches.
 */
public final class PathFilter {
  public static final PathFilter NONE = new PathFilter(List.of());

  private final List<String> globs;
  private final List<Pattern> byName = new ArrayList<>();
  private final List<Pattern> byPath = new ArrayList<>();

  private PathFilter(List<String> globs) {
    this.globs = List.copyOf(globs);
  }

  /**
   * @throws IllegalArgumentException for a malformed glob, naming it
   */
  public static PathFilter of(List<String> globs) {
    PathFilter f = new PathFilter(globs);
    for (String g : globs) {
      if (g.isEmpty() || g.equals("/")) {
        throw new IllegalArgumentException("ignore pattern '" + g + "' would match everything");
      }
      String glob = g.length() > 1 && g.endsWith("/") ? g.substring(0, g.length() - 1) : g;
      try {
        if (glob.indexOf('/') < 0) {
          f.byName.add(Pattern.compile(regex(glob)));
        } else {
          f.byPath.add(Pattern.compile(regex(glob.startsWith("/") ? glob : "/" + glob)));
        }
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "ignore pattern '" + g + "' is not a valid glob: " + e.getDescription());
      }
    }
    return f;
  }

  public List<String> globs() {
    return globs;
  }

  /** Whether {@code path} (starting with {@code /}) or a directory above it is ignored. */
  public boolean ignores(String path) {
    if (globs.isEmpty() || path.equals("/")) {
      return false;
    }
    for (int end = path.indexOf('/', 1); ; end = path.indexOf('/', end + 1)) {
      String prefix = end < 0 ? path : path.substring(0, end);
      if (matches(prefix)) {
        return true;
      }
      if (end < 0) {
        return false;
      }
    }
  }

  private boolean matches(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    for (Pattern p : byName) {
      if (p.matcher(name).matches()) {
        return true;
      }
    }
    for (Pattern p : byPath) {
      if (p.matcher(path).matches()) {
        return true;
      }
    }
    return false;
  }

  private static String regex(String glob) {
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*':
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
              i++;
              r.append("(?:.*/)?"); // "**/" also matches no directory at all
            } else {
              r.append(".*");
            }
          } else {
            r.append("[^/]*");
          }
          break;
        case '?':
          r.append("[^/]");
          break;
        case '[':
          int close = glob.indexOf(']', i + 2);
          if (close < 0) {
            throw new PatternSyntaxException("unclosed '['", glob, i);
          }
          String cls = glob.substring(i + 1, close);
          String body =
              (cls.startsWith("!") ? cls.substring(1) : cls)
                  .replace("\\", "\\\\")
                  .replace("[", "\\[")
                  .replace("&", "\\&");
          r.append(cls.startsWith("!") ? "[^" : "[").append(body).append(']');
          i = close;
          break;
        case '\\':
          if (i + 1 < glob.length()) {
            r.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          }
          break;
        default:
          r.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return r.toString();
  }
}
