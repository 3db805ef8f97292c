/** Implementation of the rule sandbox: not part of the public API, may change without notice. */
package io.edgerule.sandbox.internal;
