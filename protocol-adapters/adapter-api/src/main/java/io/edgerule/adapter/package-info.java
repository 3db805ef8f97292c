/**
 * The gateway's event model and the protocol adapter SPI. Public API: adapters, the rule sandbox
 * and the daemon all speak these types.
 */
package io.edgerule.adapter;
