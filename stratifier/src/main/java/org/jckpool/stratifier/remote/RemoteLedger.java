package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The main pool's record of each trusted remote: the highest seq accounted and the totals of what it reported
 * (shares and their difficulty, share errors, blocks, work bases), and the ids its recent work bases were given
 * in this pool's id space. Kept in {@code <dir>/ledger.json}, rewritten (aside, then renamed over) by
 * {@link #save} before anything recorded since is acked, so that after any restart of the main pool a replayed
 * message is recognised by its seq and counted once, and a share after the restart names the same work base id
 * as its workinfo did before. Thread-safe.
 */
public final class RemoteLedger {
    static final String FILE = "ledger.json";
    /** Work base id mappings kept per remote (a remote's shares name work of the last minutes only). */
    static final int MAPPED_WORKINFOS = 256;

    /** One remote's totals. */
    public static final class Account {
        long seq;
        long shares;
        /** Of {@link #shares}, those the remote reported with {@code "result": false}. */
        long rejected;
        double diff;
        long shareErrors;
        long blocks;
        long workinfos;
        long lastHeight;
        String address = "";
        boolean connected;
        /** Epoch seconds of the current connection, 0 while not connected (not kept in the file). */
        long since;
        /** Replayed messages ignored since this process started (not kept in the file). */
        long replays;
        /** The remote's workinfo id to the id given here, oldest first. */
        final Map<Long, Long> workinfoIds = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > MAPPED_WORKINFOS;
            }
        };

        ObjectNode json(String id) {
            ObjectNode n = Json.object();
            n.put("id", id);
            n.put("address", address);
            n.put("connected", connected);
            n.put("seq", seq);
            n.put("shares", shares);
            n.put("rejected", rejected);
            n.put("diff", diff);
            n.put("shareerrors", shareErrors);
            n.put("blocks", blocks);
            n.put("workinfos", workinfos);
            n.put("height", lastHeight);
            return n;
        }

        ObjectNode stored(String id) {
            ObjectNode n = json(id);
            ArrayNode ids = n.putArray("workinfoids");
            workinfoIds.forEach((theirs, ours) -> ids.addArray().add(theirs).add(ours));
            return n;
        }

        ObjectNode status(String id) {
            ObjectNode n = json(id);
            n.put("since", since);
            n.put("replays", replays);
            return n;
        }
    }

    private final Path dir;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private boolean dirty;

    private RemoteLedger(Path dir) {
        this.dir = dir;
    }

    /** Reads {@code <dir>/ledger.json} when there is one; an unreadable file is set aside with an error. */
    public static RemoteLedger open(Path dir) throws IOException {
        RemoteLedger l = new RemoteLedger(dir);
        Path f = dir.resolve(FILE);
        if (Files.exists(f)) {
            JsonNode root = Json.parseOrNull(Files.readString(f, StandardCharsets.UTF_8));
            if (root == null || !root.path("remotes").isArray()) {
                Path aside = dir.resolve(FILE + ".unreadable");
                Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
                Log.err("remote ledger %s unreadable, moved to %s: remotes will replay their whole outbox", f,
                        aside);
            } else {
                for (Iterator<JsonNode> it = root.get("remotes").elements(); it.hasNext(); ) {
                    JsonNode n = it.next();
                    Account a = new Account();
                    a.seq = n.path("seq").asLong();
                    a.shares = n.path("shares").asLong();
                    a.rejected = n.path("rejected").asLong();
                    a.diff = n.path("diff").asDouble();
                    a.shareErrors = n.path("shareerrors").asLong();
                    a.blocks = n.path("blocks").asLong();
                    a.workinfos = n.path("workinfos").asLong();
                    a.lastHeight = n.path("height").asLong();
                    a.address = n.path("address").asText("");
                    for (JsonNode pair : n.path("workinfoids")) {
                        if (pair.path(0).canConvertToLong() && pair.path(1).canConvertToLong()) {
                            a.workinfoIds.put(pair.get(0).asLong(), pair.get(1).asLong());
                        }
                    }
                    l.accounts.put(n.path("id").asText(), a);
                }
            }
        }
        return l;
    }

    public synchronized long seq(String remoteId) {
        Account a = accounts.get(remoteId);
        return a == null ? 0 : a.seq;
    }

    synchronized void replayed(String remoteId) {
        accounts.computeIfAbsent(remoteId, k -> new Account()).replays++;
    }

    synchronized void connected(String remoteId, String address, boolean on, long nowSeconds) {
        Account a = accounts.computeIfAbsent(remoteId, k -> new Account());
        if (on && !a.connected) {
            a.since = nowSeconds;
        } else if (!on) {
            a.since = 0;
        }
        a.connected = on;
        if (address != null) {
            a.address = address;
        }
    }

    /**
     * This pool's id for the remote's work base {@code theirs}: the one given before, else a new one from
     * {@code allocate} (this pool's own work base ids, so the two never collide in ckdb), kept from the next
     * {@link #save} on.
     */
    synchronized long workinfoId(String remoteId, long theirs, LongSupplier allocate) {
        Account a = accounts.computeIfAbsent(remoteId, k -> new Account());
        Long ours = a.workinfoIds.get(theirs);
        if (ours == null) {
            ours = allocate.getAsLong();
            a.workinfoIds.put(theirs, ours);
            dirty = true;
        }
        return ours;
    }

    /**
     * Counts one message of {@code remoteId}; {@code seq} 0 for a remote that does not number its messages. A
     * {@code share} with {@code diff} 0 is one the remote reported as rejected.
     */
    synchronized void record(String remoteId, long seq, String method, double diff, long height) {
        Account a = accounts.computeIfAbsent(remoteId, k -> new Account());
        switch (method) {
            case RemoteProtocol.SHARE -> {
                a.shares++;
                if (diff > 0) {
                    a.diff += diff;
                } else {
                    a.rejected++;
                }
            }
            case RemoteProtocol.SHAREERR -> a.shareErrors++;
            case RemoteProtocol.BLOCK -> a.blocks++;
            case RemoteProtocol.WORKINFO -> {
                a.workinfos++;
                a.lastHeight = Math.max(a.lastHeight, height);
            }
            default -> {
            }
        }
        if (seq > a.seq) {
            a.seq = seq;
        }
        dirty = true;
    }

    /** Writes the file when something was recorded since the last write; false when it could not be written. */
    synchronized boolean save() {
        if (!dirty) {
            return true;
        }
        ObjectNode root = Json.object();
        ArrayNode arr = root.putArray("remotes");
        accounts.forEach((id, a) -> arr.add(a.stored(id)));
        Path f = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.writeString(tmp, root.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            dirty = false;
            return true;
        } catch (IOException e) {
            Log.err("remote ledger: cannot write %s: %s; nothing more is acked until it can", f, e.getMessage());
            return false;
        }
    }

    /**
     * {@code {"remotes":[{id,address,connected,seq,shares,rejected,diff,shareerrors,blocks,workinfos,height,since,
     * replays}]}}.
     */
    public synchronized ObjectNode json() {
        ObjectNode root = Json.object();
        ArrayNode arr = root.putArray("remotes");
        accounts.forEach((id, a) -> arr.add(a.status(id)));
        return root;
    }
}
