package org.jckpool.ckdb.payout;

import org.jckpool.ckdb.memory.AddressRatio;
import org.jckpool.ckdb.memory.BlockStatuses;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jckpool.ckdb.memory.PayoutRecord;
import org.jckpool.ckdb.store.DbOp;

/**
 * Computes a block's PPLNS payouts inside the writer's transaction, after the block's shares are in the
 * table. Once per block: a block that already has a work marker gets its stored payouts back instead.
 */
public final class BlockPayoutOp implements DbOp {

    /** What memory learns after commit. */
    public record Result(String blockhash, double windowDiff, double countedDiff, long fee,
                         List<PayoutRecord> payouts) {
    }

    private final String blockhash;
    private final long reward;
    private final double netdiff;
    private final long shareIdEnd;
    private final double pplnsN;
    private final double feeFraction;
    private final Consumer<Result> onCommitted;
    private Result result;

    public BlockPayoutOp(String blockhash, long reward, double netdiff, long shareIdEnd, double pplnsN,
                         double feeFraction, Consumer<Result> onCommitted) {
        this.blockhash = blockhash;
        this.reward = reward;
        this.netdiff = netdiff;
        this.shareIdEnd = shareIdEnd;
        this.pplnsN = pplnsN;
        this.feeFraction = feeFraction;
        this.onCommitted = onCommitted;
    }

    @Override
    public void execute(Connection c) throws SQLException {
        result = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT window_diff, counted_diff, fee FROM workmarkers WHERE blockhash = ?")) {
            ps.setString(1, blockhash);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    result = new Result(blockhash, rs.getDouble(1), rs.getDouble(2),
                            PayoutMath.fee(reward, rs.getDouble(3)), stored(c));
                    return;
                }
            }
        }
        PplnsWindow window = new PplnsWindow(pplnsN, netdiff);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT shareid, username, diff FROM shares WHERE shareid <= ? ORDER BY shareid DESC")) {
            ps.setFetchSize(10_000);
            ps.setLong(1, shareIdEnd);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && window.add(rs.getLong(1), rs.getString(2), rs.getDouble(3))) {
                    // walking back until the window is full
                }
            }
        }
        PayoutMath.Distribution d = PayoutMath.distribute(reward, feeFraction, window.diffByUser(), window.counted());
        String status = "pending";
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM blocks WHERE blockhash = ?")) {
            ps.setString(1, blockhash);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && BlockStatuses.voidsPayouts(rs.getString(1))) {
                    status = "void";
                }
            }
        }
        Map<String, List<AddressRatio>> addresses = addresses(c, d.amountByUser().keySet());
        List<PayoutRecord> payouts = new ArrayList<>();
        try (PreparedStatement mp = c.prepareStatement("INSERT INTO miningpayouts (blockhash, username, diffsum, "
                + "amount) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
             PreparedStatement pp = c.prepareStatement("INSERT INTO payouts (blockhash, username, address, amount, "
                     + "status) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Map.Entry<String, Long> e : d.amountByUser().entrySet()) {
                String user = e.getKey();
                double diff = window.diffByUser().get(user);
                mp.setString(1, blockhash);
                mp.setString(2, user);
                mp.setDouble(3, diff);
                mp.setLong(4, e.getValue());
                mp.addBatch();
                List<AddressRatio> to = addresses.getOrDefault(user,
                        List.of(new AddressRatio(user, 1)));
                for (Map.Entry<String, Long> a : PayoutMath.split(e.getValue(), to).entrySet()) {
                    pp.setString(1, blockhash);
                    pp.setString(2, user);
                    pp.setString(3, a.getKey());
                    pp.setLong(4, a.getValue());
                    pp.setString(5, status);
                    pp.addBatch();
                    payouts.add(new PayoutRecord(blockhash, user, a.getKey(), a.getValue(), diff, status));
                }
            }
            mp.executeBatch();
            pp.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO workmarkers (blockhash, shareid_begin, "
                + "shareid_end, window_diff, counted_diff, pplns_n, fee) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, blockhash);
            ps.setLong(2, window.oldestShareId());
            ps.setLong(3, shareIdEnd);
            ps.setDouble(4, window.window());
            ps.setDouble(5, window.counted());
            ps.setDouble(6, pplnsN);
            ps.setDouble(7, feeFraction);
            ps.executeUpdate();
        }
        result = new Result(blockhash, window.window(), window.counted(), d.fee(), payouts);
    }

    private List<PayoutRecord> stored(Connection c) throws SQLException {
        List<PayoutRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.username, p.address, p.amount, p.status, m.diffsum "
                + "FROM payouts p JOIN miningpayouts m USING (blockhash, username) WHERE p.blockhash = ? "
                + "ORDER BY p.username, p.address")) {
            ps.setString(1, blockhash);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PayoutRecord(blockhash, rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getDouble(5), rs.getString(4)));
                }
            }
        }
        return out;
    }

    private static Map<String, List<AddressRatio>> addresses(Connection c, Iterable<String> users)
            throws SQLException {
        List<String> names = new ArrayList<>();
        users.forEach(names::add);
        Map<String, List<AddressRatio>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT username, address, ratio FROM paymentaddresses "
                + "WHERE username = ANY (?) ORDER BY username, createdate, address")) {
            ps.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new AddressRatio(rs.getString(2), rs.getInt(3)));
                }
            }
        }
        return out;
    }

    @Override
    public void committed() {
        if (result != null) {
            onCommitted.accept(result);
        }
    }
}
