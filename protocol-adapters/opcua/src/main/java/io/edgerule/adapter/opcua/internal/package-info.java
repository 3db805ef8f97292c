/**
 * The OPC-UA adapter's internals: Milo wiring, conversions, PKI files, the connection supervisor.
 * Not part of the public API; may change in any release.
 */
package io.edgerule.adapter.opcua.internal;
