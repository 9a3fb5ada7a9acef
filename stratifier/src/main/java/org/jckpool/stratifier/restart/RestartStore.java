package org.jckpool.stratifier.restart;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The files of the restart snapshot under {@code <logdir>/restart/}: {@code state.json} (rewritten as things
 * change) and one {@code template-<base id>.json} per live work base (written once, removed when the base
 * retires). Every file is written to a temporary name and renamed, so a reader never sees half a file. No
 * fsync: the snapshot is for a process that dies, not for a machine that loses power.
 */
public final class RestartStore {
    static final String STATE = "state.json";
    private static final String TEMPLATE_PREFIX = "template-";
    private static final String SUFFIX = ".json";

    /** What was read back: the snapshot and the templates found for its bases. */
    public record Loaded(RestartSnapshot snapshot, Map<Long, JsonNode> templates) {
    }

    private final Path dir;

    public RestartStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public void writeTemplate(long baseId, JsonNode template) throws IOException {
        writeAtomically(dir.resolve(TEMPLATE_PREFIX + baseId + SUFFIX), Json.MAPPER.writeValueAsBytes(template));
    }

    public void writeSnapshot(RestartSnapshot snapshot) throws IOException {
        writeAtomically(dir.resolve(STATE), Json.MAPPER.writeValueAsBytes(snapshot.toJson()));
    }

    /** Removes the templates of bases not in {@code live}. */
    public void pruneTemplates(Set<Long> live) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, TEMPLATE_PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                Long id = templateId(f);
                if (id != null && !live.contains(id)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /**
     * The snapshot, if there is one written within {@code maxAgeMillis} of {@code nowMillis}, with the templates
     * of its bases; empty when there is none or it is too old. Throws for a file that cannot be read or parsed.
     */
    public Optional<Loaded> read(long nowMillis, long maxAgeMillis) throws IOException {
        Path state = dir.resolve(STATE);
        if (!Files.exists(state)) {
            return Optional.empty();
        }
        RestartSnapshot snap = RestartSnapshot.fromJson(Json.MAPPER.readTree(state.toFile()));
        if (nowMillis - snap.writtenMillis() > maxAgeMillis) {
            return Optional.empty();
        }
        Map<Long, JsonNode> templates = new HashMap<>();
        for (var b : snap.jobs().bases()) {
            Path f = dir.resolve(TEMPLATE_PREFIX + b.id() + SUFFIX);
            if (Files.exists(f)) {
                templates.put(b.id(), Json.MAPPER.readTree(f.toFile()));
            }
        }
        return Optional.of(new Loaded(snap, templates));
    }

    private static Long templateId(Path f) {
        String n = f.getFileName().toString();
        try {
            return Long.parseLong(n.substring(TEMPLATE_PREFIX.length(), n.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void writeAtomically(Path file, byte[] data) throws IOException {
        Files.createDirectories(dir);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, data);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
