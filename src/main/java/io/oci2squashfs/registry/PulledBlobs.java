package io.oci2squashfs.registry;

import io.oci2squashfs.cache.BlobCache;
import io.oci2squashfs.cache.LayoutExport;
import io.oci2squashfs.image.Digest;
import java.io.Closeable;
import java.util.List;

/** A pulled image whose blobs are all in the cache, ready to be written as a layout. */
public interface PulledBlobs extends Closeable {
  /** The top manifest or index, as the written layout's {@code index.json} names it. */
  LayoutExport.Top top(String refName);

  /** Every blob the image needs, each once. */
  List<Digest> blobs();

  BlobCache cache();

  PullStats stats();
}
