package org.jckpool.ckdb.memory;

/** One of a user's payment addresses and its share of the user's payouts (ratio, relative to the others). */
public record AddressRatio(String address, int ratio) {
}
