/** The outbox's SQLite store and bookkeeping: not part of the public API. */
package io.edgerule.mqtt.outbox.internal;
