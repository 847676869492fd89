package io.oci2squashfs.squash;

import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.HistoryEntry;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which top layers to squash: the top {@code N}, all, or from a given layer up. A layer is named by
 * its blob digest or diff id (a unique prefix of the hex is enough), or by its history entry's
 * position ({@code #K}, counting every entry from 0, as {@code info} lists them).
 */
public record LayerSelection(Integer count, String from) {
  public static final LayerSelection ALL = new LayerSelection(null, null);

  public static LayerSelection top(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("--layers must be at least 1: " + n);
    }
    return new LayerSelection(n, null);
  }

  public static LayerSelection from(String layer) {
    return new LayerSelection(null, layer);
  }

  /** The index of the first (lowest) layer to squash; every layer above it is squashed too. */
  int firstSquashed(Image image) {
    int layers = image.layers().size();
    if (count != null) {
      if (count > layers) {
        throw new IllegalArgumentException(
            "--layers " + count + ": the image has only " + layers + " layers");
      }
      return layers - count;
    }
    if (from == null) {
      return 0;
    }
    if (from.startsWith("#")) {
      return byHistory(image, from.substring(1));
    }
    String hex = from.toLowerCase(Locale.ROOT);
    int colon = hex.indexOf(':');
    if (colon >= 0) {
      hex = hex.substring(colon + 1);
    }
    List<Integer> matches = new ArrayList<>();
    for (Layer l : image.layers()) {
      if (matches(l.digest(), hex) || matches(l.diffId(), hex)) {
        matches.add(l.index());
      }
    }
    if (matches.isEmpty()) {
      throw new IllegalArgumentException(
          "--from " + from + ": no layer has that digest or diff id");
    }
    if (matches.size() > 1 && matches.stream().distinct().count() > 1) {
      throw new IllegalArgumentException(
          "--from " + from + ": names layers " + matches + "; give more of the digest");
    }
    return matches.get(0);
  }

  private static boolean matches(Digest d, String hex) {
    return d != null && !hex.isEmpty() && d.hex().startsWith(hex);
  }

  private static int byHistory(Image image, String number) {
    int k;
    try {
      k = Integer.parseInt(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--from #" + number + ": not a history position");
    }
    List<HistoryEntry> history = image.config() == null ? List.of() : image.config().history();
    if (k < 0 || k >= history.size()) {
      throw new IllegalArgumentException(
          "--from #" + k + ": the history has " + history.size() + " entries");
    }
    int layer = 0;
    for (int i = 0; i < k; i++) {
      if (!history.get(i).emptyLayer()) {
        layer++;
      }
    }
    if (layer >= image.layers().size()) {
      throw new IllegalArgumentException(
          "--from #" + k + ": no layer at or after that history entry");
    }
    return layer; // an empty entry names the next layer up
  }
}
