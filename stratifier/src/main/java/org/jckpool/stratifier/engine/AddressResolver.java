package org.jckpool.stratifier.engine;

/**
 * Turns a payout address of the pool's network into its output script; throws IllegalArgumentException (or a
 * subclass) with the reason when the address is not valid. The process wires this to libpool's Address.
 */
@FunctionalInterface
public interface AddressResolver {
    byte[] script(String address);
}
