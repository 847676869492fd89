/**
 * What a run must not leave behind when it fails or is stopped by a signal: child processes,
 * partial outputs, mounts and temporary files. {@link io.oci2squashfs.cleanup.OnSignal} is the one
 * shutdown hook, undoing them in that order; {@link io.oci2squashfs.cleanup.PendingOutput} is an
 * output written under a temporary name and committed by one rename. Uses only the JDK.
 */
package io.oci2squashfs.cleanup;
