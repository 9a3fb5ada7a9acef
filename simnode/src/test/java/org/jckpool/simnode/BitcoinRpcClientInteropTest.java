package org.jckpool.simnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jckpool.simnode.rpc.FailureMode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;
import org.jckpool.libpool.rpc.RpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libpool's BitcoinRpcClient (what the generator uses) against the simulated node, including the failure modes. */
class BitcoinRpcClientInteropTest {
    @Test
    void cookieRoundTripAndFailureModesAsTheClientSeesThem(@TempDir Path dir) throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.dataDir = dir;
        o.txs = 2;
        o.authFailureDelayMillis = 10;
        try (SimNode node = new SimNode(o)) {
            node.start();
            try (BitcoinRpcClient client = new BitcoinRpcClient(node.url(),
                    RpcCredentials.cookieFile(node.cookieFile()), Duration.ofSeconds(2), Duration.ofMillis(1500))) {
                JsonNode template = client.getBlockTemplate();
                assertThat(template.get("transactions")).hasSize(2);
                BlockFromTemplate block = BlockFromTemplate.fromTemplate(template);
                String hex = block.hex();
                assertThat(client.submitBlock(hex)).isNull();
                assertThat(client.getBlockCount()).isEqualTo(1);
                assertThat(client.submitBlock(hex)).isEqualTo("duplicate");
                assertThat(client.validateAddress("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
                        .get("scriptPubKey").asText()).isEqualTo("0014751e76e8199196d454941c45d1b3a323f1433bd6");

                assertThatThrownBy(() -> client.call("nosuchmethod"))
                        .isInstanceOfSatisfying(RpcException.class, e -> {
                            assertThat(e.kind()).isEqualTo(RpcException.Kind.RPC_ERROR);
                            assertThat(e.code()).isEqualTo(-32601);
                        });
                assertThatThrownBy(() -> client.call("getblocktemplate"))
                        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(-8));

                node.setMode(FailureMode.HTTP500);
                assertThatThrownBy(client::getBestBlockHash).isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.HTTP_ERROR));
                node.setMode(FailureMode.GARBAGE);
                assertThatThrownBy(client::getBestBlockHash).isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.BAD_REPLY));
                node.setMode(FailureMode.HANG);
                assertThatThrownBy(client::getBestBlockHash).isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.TIMEOUT));
                node.setMode(FailureMode.OK);
                assertThat(client.getBlockCount()).isEqualTo(1);
            }
            try (BitcoinRpcClient wrong = new BitcoinRpcClient(node.url(), RpcCredentials.basic("__cookie__", "x"))) {
                assertThatThrownBy(wrong::getBlockCount).isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.AUTH));
            }
        }
    }
}
