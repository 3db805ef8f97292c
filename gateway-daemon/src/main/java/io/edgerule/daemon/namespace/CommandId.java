package io.edgerule.daemon.namespace;

/**
 * The correlation id a command came with, echoed in its answer exactly as it was sent. Opaque to
 * the gateway: the namespace that decoded the command puts in {@code value} what it needs to echo
 * it (the JSON namespace keeps the JSON node, so {@code 42} stays a number and {@code "42"} a
 * string).
 *
 * @param text the id as text, for logs and the write's origin ({@code mqtt:<text>})
 */
public record CommandId(String text, Object value) {}
