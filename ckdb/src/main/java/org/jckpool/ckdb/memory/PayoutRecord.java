package org.jckpool.ckdb.memory;

/** What one address of one user gets from one block; status "pending" or "void" (orphaned block). */
public record PayoutRecord(String blockhash, String username, String address, long amount, double diff,
                           String status) {

    public PayoutRecord withStatus(String newStatus) {
        return new PayoutRecord(blockhash, username, address, amount, diff, newStatus);
    }
}
