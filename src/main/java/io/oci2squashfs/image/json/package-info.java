/**
 * Wire records for the JSON of OCI layouts, Docker manifests and image configs, exactly as the
 * files spell them; {@code io.oci2squashfs.image} translates them into its model once. Parse with
 * {@link io.oci2squashfs.image.json.Json#MAPPER}. Depends on Jackson only.
 */
package io.oci2squashfs.image.json;
