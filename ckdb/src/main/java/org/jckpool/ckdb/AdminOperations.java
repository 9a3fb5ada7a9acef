package org.jckpool.ckdb;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jckpool.ckdb.memory.AddressRatio;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.memory.UserRecord;
import org.jckpool.ckdb.memory.WorkerRecord;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.Fields;
import org.jckpool.ckdb.store.AdminWrites;
import org.jckpool.ckdb.store.DbOp;
import org.jckpool.libpool.log.Log;

/**
 * The operators' requests: add a user, check a login, set a worker's default difficulty, set a user's payment
 * addresses. A change is committed to the database before memory changes (see {@link #writeNow}).
 */
final class AdminOperations {
    private static final int BCRYPT_COST = 10;
    private static final int MAX_PASSWORD = 72;

    private final DataSource ds;
    private final MemoryTables m;
    /** Serialises admin changes (see {@link #writeNow}); never taken while holding the memory lock. */
    private final Object adminLock = new Object();

    AdminOperations(DataSource ds, MemoryTables m) {
        this.ds = ds;
        this.m = m;
    }

    Object addUser(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        if (user.contains(".")) {
            throw new BadRequestException("username may not contain '.'");
        }
        String password = Fields.text(p, "password", MAX_PASSWORD);
        if (password.length() < 6) {
            throw new BadRequestException("password shorter than 6 characters");
        }
        String email = Fields.optText(p, "email", 256);
        String hash = new String(BCrypt.withDefaults().hash(BCRYPT_COST, password.toCharArray()),
                StandardCharsets.UTF_8);
        synchronized (adminLock) {
            synchronized (m) {
                UserRecord u = m.user(user);
                if (u != null && u.passwordHash != null) {
                    throw new BadRequestException("user " + user + " exists");
                }
            }
            writeNow("adduser", AdminWrites.addUser(user, hash, email));
            synchronized (m) {
                UserRecord u = m.userCreating(user);
                u.passwordHash = hash;
                u.email = email;
                u.createdMillis = System.currentTimeMillis();
            }
        }
        return "added " + user;
    }

    Object userLogin(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        String password = Fields.text(p, "password", MAX_PASSWORD);
        String hash;
        synchronized (m) {
            UserRecord u = m.user(user);
            hash = u == null ? null : u.passwordHash;
        }
        if (hash == null || !BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified) {
            throw new BadRequestException("login failed");
        }
        return "login ok";
    }

    Object setWorkerDiff(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        String worker = Fields.name(p, "workername");
        double diff = Fields.number(p, "difficultydefault");
        synchronized (adminLock) {
            requireUser(user);
            writeNow("setworkerdiff", AdminWrites.workerDifficulty(user, worker, diff));
            synchronized (m) {
                WorkerRecord w = m.workerCreating(m.userCreating(user), worker);
                w.difficultyDefault = diff;
                m.addDiffChange(user, worker, diff);
            }
        }
        return "difficultydefault " + diff;
    }

    Object setAddresses(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        JsonNode arr = p.get("addresses");
        if (arr == null || !arr.isArray() || arr.isEmpty() || arr.size() > 16) {
            throw new BadRequestException("field 'addresses' must be an array of 1 to 16 {address, ratio}");
        }
        List<AddressRatio> list = new ArrayList<>();
        for (JsonNode a : arr) {
            if (!(a instanceof ObjectNode o)) {
                throw new BadRequestException("each address must be {address, ratio}");
            }
            String address = Fields.name(o, "address");
            long ratio = Fields.integer(o, "ratio");
            if (ratio < 1 || ratio > 1_000_000) {
                throw new BadRequestException("ratio must be 1 to 1000000");
            }
            if (list.stream().anyMatch(x -> x.address().equals(address))) {
                throw new BadRequestException("address " + address + " listed twice");
            }
            list.add(new AddressRatio(address, (int) ratio));
        }
        synchronized (adminLock) {
            requireUser(user);
            writeNow("setaddresses", AdminWrites.addresses(user, list));
            synchronized (m) {
                m.userCreating(user).addresses = list;
            }
        }
        return "addresses " + list.size();
    }

    private void requireUser(String user) throws BadRequestException {
        synchronized (m) {
            if (m.user(user) == null) {
                throw new BadRequestException("unknown user " + user);
            }
        }
    }

    /**
     * Commits an admin change in a transaction of its own before memory changes and the caller hears "ok", so an
     * acknowledged change survives a crash. Callers hold {@link #adminLock}, so admin changes reach the database
     * and memory in the same order.
     */
    private void writeNow(String what, DbOp op) throws BadRequestException {
        try {
            AdminWrites.commit(ds, op);
        } catch (SQLException e) {
            Log.err("%s", what + " not saved, database write failed: " + e.getMessage());
            throw new BadRequestException("database unavailable, " + what + " not saved");
        }
    }
}
