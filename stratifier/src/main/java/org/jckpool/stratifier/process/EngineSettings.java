package org.jckpool.stratifier.process;

import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.AddressResolver;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.jckpool.stratifier.work.WorkConfig;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** ckpool.conf and the command line → {@link EngineConfig}. */
public final class EngineSettings {
    /** Networks tried in this order when an address does not say which network it belongs to. */
    private static final List<Network> NETWORKS = List.of(Network.MAIN, Network.TEST, Network.REGTEST);

    private EngineSettings() {
    }

    /**
     * @param solo ckpool -B (btcsolo): usernames are payout addresses
     * @throws IllegalArgumentException when btcaddress is missing or not an address (and not solo)
     */
    public static EngineConfig from(PoolConfig cfg, boolean solo) {
        return from(cfg, solo, false);
    }

    /** @param proxy ckpool -p: no payout address (the upstream pool pays), none required */
    public static EngineConfig from(PoolConfig cfg, boolean solo, boolean proxy) {
        String tag = "/jckpool/" + (cfg.btcsig() == null ? "" : cfg.btcsig());
        byte[] donationScript = donationScript(cfg);
        WorkConfig work = new WorkConfig(tag, cfg.nonce1length(), cfg.nonce2length(),
                donationScript == null ? 0 : cfg.donation(), donationScript);
        VardiffConfig vardiff = new VardiffConfig(cfg.mindiff(), cfg.startdiff(), cfg.maxdiff());
        Network network = null;
        byte[] payout = null;
        if (proxy) {
            // The upstream pool's coinbase is used as given: no coinbase of ours is ever built, so this
            // placeholder (OP_RETURN) only satisfies the engine's config and pays nobody.
            payout = new byte[] {0x6a};
        } else if (cfg.btcaddress() != null && !cfg.btcaddress().isBlank()) {
            for (Network n : NETWORKS) {
                try {
                    payout = Address.toScript(cfg.btcaddress(), n);
                    network = n;
                    break;
                } catch (RuntimeException e) {
                    // try the next network
                }
            }
            if (payout == null && !solo) {
                throw new IllegalArgumentException("btcaddress \"" + cfg.btcaddress()
                        + "\" is not an address of any Bitcoin network");
            }
        } else if (!solo) {
            throw new IllegalArgumentException("btcaddress is required unless in solo mode (-B)");
        }
        AddressResolver resolver = network != null ? AddressResolver.forNetwork(network) : anyNetwork();
        Set<Integer> highDiff = new HashSet<>();
        List<HostPort> servers = cfg.serverurl();
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).highDiff()) {
                highDiff.add(i);
            }
        }
        return EngineConfig.of(work, vardiff, (int) cfg.versionMask(), solo, payout, resolver)
                .withHighDiffServers(highDiff, cfg.highdiff());
    }

    /**
     * The output script of {@code donaddress} when a donation is to be paid, else null; says once, at start,
     * what happens to the donation. ConfigLoader has already checked the address and its network.
     */
    static byte[] donationScript(PoolConfig cfg) {
        String percent = BigDecimal.valueOf(cfg.donation()).stripTrailingZeros().toPlainString();
        if (cfg.donation() > 0 && cfg.donaddress() == null) {
            Log.notice("donation %s%% is set but there is no \"donaddress\": no donation is paid", percent);
            return null;
        }
        if (cfg.donaddress() == null) {
            return null;
        }
        if (cfg.donation() <= 0) {
            Log.info("donaddress %s is set but donation is 0: no donation is paid", cfg.donaddress());
            return null;
        }
        byte[] script = anyNetwork().script(cfg.donaddress());
        Log.notice("donation: %s%% of each block's coinbase value (rounded down to the satoshi) is paid to %s",
                percent, cfg.donaddress());
        return script;
    }

    private static AddressResolver anyNetwork() {
        return address -> {
            IllegalArgumentException last = null;
            for (Network n : NETWORKS) {
                try {
                    return Address.toScript(address, n);
                } catch (RuntimeException e) {
                    last = new IllegalArgumentException(e.getMessage(), e);
                }
            }
            throw last;
        };
    }
}
