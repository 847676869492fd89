/**
 * Registry fixtures for end-to-end tests: a real distribution server ({@link
 * io.oci2squashfs.it.registry.LocalRegistry}) and a fault-injecting HTTP front for it ({@link
 * io.oci2squashfs.it.registry.FaultProxy}). Uses only the JDK, external tools (docker-registry,
 * htpasswd, skopeo) and {@code io.oci2squashfs.exec} to find them; never the registry client under
 * test.
 */
package io.oci2squashfs.it.registry;
