package io.oci2squashfs.convert;

import io.oci2squashfs.layer.CheckedLayerSource;

/**
 * How many bytes of each layer were read, as stored (compressed) and as tar. A layer may be read
 * more than once (the root probe, a second pass, a hard link's target) and in part: the most seen
 * in any one reading is its size, so every layer counts once.
 */
final class LayerByteCounts implements CheckedLayerSource.Progress {
  private final long[] compressed;
  private final long[] uncompressed;
  private final CheckedLayerSource.Progress next;

  /**
   * @param next hears every report as it comes
   */
  LayerByteCounts(int layerCount, CheckedLayerSource.Progress next) {
    this.compressed = new long[layerCount];
    this.uncompressed = new long[layerCount];
    this.next = next;
  }

  @Override
  public void bytesRead(int layer, long total) {
    synchronized (this) {
      compressed[layer] = Math.max(compressed[layer], total);
    }
    next.bytesRead(layer, total);
  }

  @Override
  public void tarBytesRead(int layer, long total) {
    synchronized (this) {
      uncompressed[layer] = Math.max(uncompressed[layer], total);
    }
    next.tarBytesRead(layer, total);
  }

  synchronized long compressed() {
    long sum = 0;
    for (long n : compressed) {
      sum += n;
    }
    return sum;
  }

  synchronized long uncompressed() {
    long sum = 0;
    for (long n : uncompressed) {
      sum += n;
    }
    return sum;
  }
}
