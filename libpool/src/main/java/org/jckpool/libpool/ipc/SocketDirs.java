package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the sockets live. Two rules, both ckpool's, so that ckpool's own tools work against us:
 * <ul>
 *   <li>the pool ({@code ckpool -s DIR -n NAME}): DIR as given, else {@code /tmp/NAME};</li>
 *   <li>the tools ({@code ckpmsg}, {@code notifier}): {@code <s or /tmp>/NAME/SOCKNAME}.</li>
 * </ul>
 * The directory gets mode 0750; sockets get 0770. With a group set ({@code ckpool -g}) both are given to it.
 */
public final class SocketDirs {
    private static volatile String group;

    private SocketDirs() {
    }

    public static Path forPool(String sockdirOption, String name) {
        return sockdirOption == null || sockdirOption.isEmpty() ? Path.of("/tmp", name) : Path.of(sockdirOption);
    }

    public static Path forTool(String sockdirOption, String name, String sockname) {
        String base = sockdirOption == null || sockdirOption.isEmpty() ? "/tmp" : sockdirOption;
        return Path.of(base, name, sockname);
    }

    /** Creates the directory when missing and sets mode 0750 (and the group, if any). */
    public static Path ensure(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        applyGroup(dir);
        return dir;
    }

    /** Sets the group that socket files and the socket directory are given to (null: leave the default). */
    public static void setGroup(String groupName) {
        group = groupName;
    }

    public static String group() {
        return group;
    }

    /** Checks that a group exists; throws IOException naming it when it does not. */
    public static void checkGroup(String groupName) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(groupName);
    }

    public static void applyGroup(Path p) throws IOException {
        String g = group;
        if (g == null) {
            return;
        }
        GroupPrincipal gp = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(g);
        Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(gp);
    }
}
