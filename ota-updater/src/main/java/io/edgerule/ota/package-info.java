/**
 * Over-the-air updates of rule images (issue 14). Public API here; implementation in {@code
 * internal} subpackages. The daemon implements the deploy port defined here; this module never
 * depends on the daemon.
 */
package io.edgerule.ota;
