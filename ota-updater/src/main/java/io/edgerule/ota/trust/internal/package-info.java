/** Implementation of the trust model; not part of the public API. */
package io.edgerule.ota.trust.internal;
