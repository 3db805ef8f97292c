/**
 * The gateway's event model and the protocol adapter SPI. Public API: adapters, the rule sandbox
 * and the daemon all speak these types. Also the one grammar of edgerule's text files that all of
 * them share: durations ({@link io.edgerule.adapter.DurationText}) and the bounded UTF-8 reading of
 * the gateway config and rule manifests ({@link io.edgerule.adapter.TextFile}).
 */
package io.edgerule.adapter;
