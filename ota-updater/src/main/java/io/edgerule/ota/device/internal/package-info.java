/** Implementation of the device side of OTA updates: not part of the public API. */
package io.edgerule.ota.device.internal;
