package io.oci2squashfs.cleanup;

import java.io.IOException;

/** The JVM is stopping (a signal): the run gives up without committing anything. */
public final class StoppedException extends IOException {
  private static final long serialVersionUID = 1L;

  public StoppedException() {
    super("stopped by a signal; nothing was written");
  }
}
