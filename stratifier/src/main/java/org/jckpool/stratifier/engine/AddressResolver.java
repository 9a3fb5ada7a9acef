package org.jckpool.stratifier.engine;

import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.Network;

/**
 * Turns a payout address of the pool's network into its output script; throws IllegalArgumentException (libpool's
 * AddressException) with the reason when the address is not valid for the network.
 */
@FunctionalInterface
public interface AddressResolver {
    byte[] script(String address);

    /** libpool's decoder for one network (what the process uses). */
    static AddressResolver forNetwork(Network network) {
        return address -> Address.toScript(address, network);
    }
}
