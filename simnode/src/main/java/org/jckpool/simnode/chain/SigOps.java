package org.jckpool.simnode.chain;

import org.jckpool.libpool.bitcoin.Transaction;

/** Signature-operation counting as Core's legacy GetSigOpCount (inaccurate mode: CHECKMULTISIG counts 20). */
public final class SigOps {
    private static final int OP_PUSHDATA1 = 0x4c;
    private static final int OP_PUSHDATA2 = 0x4d;
    private static final int OP_PUSHDATA4 = 0x4e;
    private static final int OP_CHECKSIG = 0xac;
    private static final int OP_CHECKSIGVERIFY = 0xad;
    private static final int OP_CHECKMULTISIG = 0xae;
    private static final int OP_CHECKMULTISIGVERIFY = 0xaf;

    private SigOps() {
    }

    /** Legacy sigops of one script; parsing stops at a truncated push, as Core's GetOp loop does. */
    public static int legacy(byte[] script) {
        int count = 0;
        int i = 0;
        while (i < script.length) {
            int op = script[i++] & 0xff;
            if (op >= 1 && op < OP_PUSHDATA1) {
                i += op;
            } else if (op == OP_PUSHDATA1) {
                if (i + 1 > script.length) {
                    break;
                }
                i += 1 + (script[i] & 0xff);
            } else if (op == OP_PUSHDATA2) {
                if (i + 2 > script.length) {
                    break;
                }
                i += 2 + ((script[i] & 0xff) | (script[i + 1] & 0xff) << 8);
            } else if (op == OP_PUSHDATA4) {
                if (i + 4 > script.length) {
                    break;
                }
                long len = (script[i] & 0xffL) | (script[i + 1] & 0xffL) << 8 | (script[i + 2] & 0xffL) << 16
                        | (script[i + 3] & 0xffL) << 24;
                if (len > script.length) {
                    break;
                }
                i += 4 + (int) len;
            } else if (op == OP_CHECKSIG || op == OP_CHECKSIGVERIFY) {
                count++;
            } else if (op == OP_CHECKMULTISIG || op == OP_CHECKMULTISIGVERIFY) {
                count += 20;
            }
        }
        return count;
    }

    /** Core's GetLegacySigOpCount: every scriptSig and every output script. */
    public static int legacy(Transaction tx) {
        int count = 0;
        for (Transaction.Input in : tx.inputs()) {
            count += legacy(in.scriptSig());
        }
        for (Transaction.Output out : tx.outputs()) {
            count += legacy(out.script());
        }
        return count;
    }

    /** True for a P2WPKH output script (OP_0 PUSH20), whose spend costs one witness sigop. */
    public static boolean isP2wpkh(byte[] script) {
        return script.length == 22 && script[0] == 0 && script[1] == 20;
    }
}
