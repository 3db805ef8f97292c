/**
 * Implementation of the Zigbee adapter: ports, XBee framing guard, workarounds for the
 * zsmartsystems library, the network data store, the cluster-to-point catalog. Not part of the
 * public API.
 */
package io.edgerule.adapter.zigbee.internal;
