/** Paho plumbing of the MQTT transport: sockets, threads, TLS material. Not part of the API. */
package io.edgerule.mqtt.internal;
