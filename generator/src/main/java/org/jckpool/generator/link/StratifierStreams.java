package org.jckpool.generator.link;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The stratifier streams open on the generator's socket, in pool and proxy mode alike: keeps the open ones,
 * greets each as it opens, hands its messages (JSON objects; other frames are logged and skipped) on, and sends
 * to all of them.
 */
public final class StratifierStreams implements ControlServer.StreamAcceptor {
    private final Set<FrameStream> open = ConcurrentHashMap.newKeySet();
    private final String openNote;
    private final String closeNote;
    private final Consumer<FrameStream> greeter;
    private final BiConsumer<FrameStream, JsonNode> handler;

    /**
     * @param openNote  ends the log line of a stream opening
     * @param closeNote ends the log line of a stream closing
     * @param greeter   sends a stream that just opened what a stratifier that just connected needs
     * @param handler   takes a message from a stream
     */
    public StratifierStreams(String openNote, String closeNote, Consumer<FrameStream> greeter,
                             BiConsumer<FrameStream, JsonNode> handler) {
        this.openNote = openNote;
        this.closeNote = closeNote;
        this.greeter = greeter;
        this.handler = handler;
    }

    @Override
    public FrameStream.Listener open(String peer) {
        return new FrameStream.Listener() {
            @Override
            public void onOpen(FrameStream stream) {
                open.add(stream);
                Log.notice("Stream from %s open%s", peer, openNote);
                greeter.accept(stream);
            }

            @Override
            public void onFrame(FrameStream stream, byte[] frame) {
                String text = Frames.text(frame);
                JsonNode msg = Json.parseOrNull(text);
                if (msg == null || !msg.isObject()) {
                    Log.warning("Stream from %s: ignoring a frame that is not a JSON object: %s", stream.peer(),
                            Log.abbreviate(text, 80));
                    return;
                }
                handler.accept(stream, msg);
            }

            @Override
            public void onClose(FrameStream stream, Throwable cause) {
                open.remove(stream);
                Log.warning("Stream from %s closed%s%s", peer, cause == null ? "" : " (" + cause.getMessage() + ")",
                        closeNote);
            }
        };
    }

    /** Number of open stratifier streams. */
    public int connected() {
        return open.size();
    }

    public void sendToAll(byte[] frame) {
        open.forEach(s -> StreamSends.send(s, frame));
    }

    /**
     * A reply to {@code asker}; when its stream has closed meanwhile, to the open ones (the stratifier that asked
     * reconnected, and the answer still belongs to it).
     */
    public void reply(FrameStream asker, byte[] frame) {
        if (asker.isOpen()) {
            StreamSends.send(asker, frame);
        } else {
            sendToAll(frame);
        }
    }
}
