/** Implementation of the image format; not part of the public API. */
package io.edgerule.ota.image.internal;
