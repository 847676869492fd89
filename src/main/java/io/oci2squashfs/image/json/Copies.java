package io.oci2squashfs.image.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Immutable copies of JSON arrays and objects: absent becomes empty. */
final class Copies {
  private Copies() {}

  /** Null members are dropped. */
  static <T> List<T> list(List<T> list) {
    if (list == null) {
      return List.of();
    }
    List<T> copy = new ArrayList<>(list);
    copy.removeIf(Objects::isNull);
    return Collections.unmodifiableList(copy);
  }

  /**
   * For lists whose positions matter (layers, diff ids): nulls are kept so that the reader can
   * reject them by index instead of shifting every later element.
   */
  static <T> List<T> positional(List<T> list) {
    return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
  }

  /** Null values are dropped; the JSON's key order is kept. */
  static <V> Map<String, V> map(Map<String, V> map) {
    if (map == null) {
      return Map.of();
    }
    Map<String, V> copy = new LinkedHashMap<>(map);
    copy.values().removeIf(Objects::isNull);
    return Collections.unmodifiableMap(copy);
  }
}
