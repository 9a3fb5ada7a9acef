package org.jckpool.simnode.rpc;

import static org.jckpool.simnode.rpc.RpcJson.NODES;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Network;

/** validateaddress and getaddressinfo for regtest addresses, with Core's field names. */
public final class AddressRpc {
    private AddressRpc() {
    }

    public static void register(RpcDispatcher rpc) {
        rpc.register("validateaddress", List.of("address"), p -> {
            String address = p.string(0, "address");
            ObjectNode o = NODES.objectNode();
            byte[] script;
            try {
                script = Address.toScript(address, Network.REGTEST);
            } catch (IllegalArgumentException e) {
                o.put("isvalid", false);
                o.put("error", e.getMessage());
                o.putArray("error_locations");
                return o;
            }
            o.put("isvalid", true);
            o.put("address", address);
            o.put("scriptPubKey", Hex.encode(script));
            describe(o, script);
            return o;
        });
        rpc.register("getaddressinfo", List.of("address"), p -> {
            String address = p.string(0, "address");
            byte[] script;
            try {
                script = Address.toScript(address, Network.REGTEST);
            } catch (IllegalArgumentException e) {
                throw new CoreRpcException(RpcCodes.INVALID_ADDRESS_OR_KEY, "Invalid address: " + e.getMessage());
            }
            ObjectNode o = NODES.objectNode();
            o.put("address", address);
            o.put("scriptPubKey", Hex.encode(script));
            o.put("ismine", false);
            o.put("solvable", false);
            o.put("iswatchonly", false);
            describe(o, script);
            o.put("ischange", false);
            o.putArray("labels");
            return o;
        });
    }

    /** Core's DescribeAddress fields derived from the output script. */
    static void describe(ObjectNode o, byte[] script) {
        int first = script[0] & 0xff;
        boolean witness = script.length >= 4 && script.length <= 42 && (first == 0 || first >= 0x51 && first <= 0x60)
                && (script[1] & 0xff) == script.length - 2;
        if (!witness) {
            o.put("isscript", first == 0xa9);
            o.put("iswitness", false);
            return;
        }
        int version = first == 0 ? 0 : first - 0x50;
        byte[] program = Arrays.copyOfRange(script, 2, script.length);
        boolean known = version == 0 && (program.length == 20 || program.length == 32)
                || version == 1 && program.length == 32;
        if (known) {
            o.put("isscript", program.length == 32);
        }
        o.put("iswitness", true);
        o.put("witness_version", version);
        o.put("witness_program", Hex.encode(program));
    }
}
