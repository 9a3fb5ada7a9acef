package org.jckpool.suite.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** {@code <sockdir>/<process>.pid} files, as ckpool writes them (the pid in decimal and a newline). */
public final class PidFile {
    private PidFile() {
    }

    public static void write(Path file, long pid) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The pid in the file; empty when the file is missing or does not hold a number. */
    public static OptionalLong read(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The live process named by the file, if any. */
    public static Optional<ProcessHandle> liveProcess(Path file) {
        OptionalLong pid = read(file);
        if (pid.isEmpty() || pid.getAsLong() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
    }

    /** Removes the file if it still names this process. */
    public static void removeIfOurs(Path file) {
        OptionalLong pid = read(file);
        if (pid.isPresent() && pid.getAsLong() == ProcessHandle.current().pid()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort at exit
            }
        }
    }
}
