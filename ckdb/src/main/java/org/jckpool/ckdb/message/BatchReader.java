package org.jckpool.ckdb.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON-form {@code batch} request with Jackson's streaming parser. Share messages, the bulk of the
 * traffic, become {@link ShareMessage}s without a JSON tree (building trees was the main JVM cost of ingest);
 * other messages get a tree of their params as before. The whole frame is read before anything is applied, so
 * invalid JSON anywhere refuses the frame as a whole, as on the general path.
 *
 * <p>{@link #read} returns null for anything it does not take (not a batch, "method" not the first field,
 * "messages" before "source", params not an object): the caller then uses the general tree path, which gives the
 * same answers, only slower.
 */
public final class BatchReader {
    private static final String SHAPE = "message must be {\"method\",\"params\"}";

    private final ObjectMapper mapper;

    public BatchReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One message of a batch: a share read without a tree, another pool message as a tree, or a refusal. */
    public sealed interface Item permits ShareItem, TreeItem, BadItem {
    }

    public record ShareItem(ShareMessage share) implements Item {
    }

    public record TreeItem(String method, ObjectNode params) implements Item {
    }

    public record BadItem(String reason) implements Item {
    }

    public record Batch(String id, String source, List<Item> items) {
    }

    /** Cheap check whether {@link #read} may take the text (a JSON object naming method batch first). */
    public static boolean looksLikeBatch(String text) {
        int i = 0;
        int n = Math.min(text.length(), 64);
        while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < n && text.charAt(i) == '{' && text.regionMatches(true, i, "{\"method\":\"batch\"", 0, 17);
    }

    public Batch read(String text) throws BadRequestException {
        String id = null;
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT || !"method".equals(p.nextFieldName())
                    || p.nextToken() != JsonToken.VALUE_STRING || !"batch".equalsIgnoreCase(p.getText())) {
                return null;
            }
            String source = null;
            List<Item> items = null;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                if (field.equals("id")) {
                    id = t == JsonToken.VALUE_NULL ? null : scalarText(p, t);
                    if (id != null && id.length() > 64) {
                        throw new BadRequestException("id too long");
                    }
                } else if (field.equals("params")) {
                    if (t != JsonToken.START_OBJECT || items != null) {
                        return null;
                    }
                    String pf;
                    while ((pf = p.nextFieldName()) != null) {
                        JsonToken pt = p.nextToken();
                        if (pf.equals("source")) {
                            ObjectNode s = mapper.createObjectNode();
                            s.set("source", mapper.readTree(p));
                            source = Fields.name(s, "source");
                        } else if (pf.equals("messages")) {
                            if (source == null) {
                                return null;
                            }
                            if (pt != JsonToken.START_ARRAY) {
                                throw new BadRequestException(id, "missing field 'messages' (array)");
                            }
                            items = messages(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("method")) {
                    return null;
                } else {
                    p.skipChildren();
                }
            }
            if (source == null) {
                return null;
            }
            if (items == null) {
                throw new BadRequestException(id, "missing field 'messages' (array)");
            }
            return new Batch(id, source, items);
        } catch (BadRequestException e) {
            throw e.id() == null && id != null ? new BadRequestException(id, e.getMessage()) : e;
        } catch (JsonProcessingException e) {
            throw new BadRequestException(id, "invalid json: " + RequestParser.shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadRequestException(id, "invalid json: " + RequestParser.shorten(e.getMessage()));
        }
    }

    private List<Item> messages(JsonParser p) throws IOException {
        List<Item> items = new ArrayList<>(1024);
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                items.add(new BadItem(SHAPE));
                continue;
            }
            String method = null;
            boolean badMethod = false;
            ShareMessage share = null;
            ObjectNode tree = null;
            boolean badParams = false;
            String f;
            while ((f = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                if (f.equals("method")) {
                    if (v == JsonToken.VALUE_STRING) {
                        method = p.getText().toLowerCase();
                        badMethod = false;
                    } else {
                        p.skipChildren();
                        method = null;
                        badMethod = true;
                    }
                } else if (f.equals("params")) {
                    share = null;
                    tree = null;
                    badParams = v != JsonToken.START_OBJECT;
                    if (badParams) {
                        p.skipChildren();
                    } else if ("shares".equals(method)) {
                        share = share(p);
                    } else {
                        tree = mapper.readTree(p);
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (method == null || badMethod || badParams || (share == null && tree == null)) {
                items.add(new BadItem(SHAPE));
            } else if (share != null) {
                // "method" given twice, naming another kind after share params: refused rather than guessed
                items.add(method.equals("shares") ? new ShareItem(share) : new BadItem(SHAPE));
            } else {
                items.add(new TreeItem(method, tree));
            }
        }
        return items;
    }

    /** Reads a share's params object (the parser is on its START_OBJECT) into raw scalars. */
    private static ShareMessage share(JsonParser p) throws IOException {
        ShareMessage s = new ShareMessage();
        String f;
        while ((f = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (f) {
                case "source" -> s.source = v.isScalarValue() && v != JsonToken.VALUE_NULL ? scalarText(p, v) : "";
                case "seq" -> {
                    s.seqKind = v;
                    s.seq = scalarText(p, v);
                }
                case "username" -> {
                    s.userKind = v;
                    s.username = scalarText(p, v);
                }
                case "workername" -> {
                    s.workerKind = v;
                    s.workername = scalarText(p, v);
                }
                case "workinfoid" -> {
                    s.workinfoKind = v;
                    s.workinfoid = scalarText(p, v);
                }
                case "diff" -> {
                    s.diffKind = v;
                    s.diff = scalarText(p, v);
                }
                case "sdiff" -> {
                    s.sdiffKind = v;
                    s.sdiff = scalarText(p, v);
                }
                case "createdate" -> {
                    s.createdKind = v;
                    s.createdate = scalarText(p, v);
                }
                default -> p.skipChildren();
            }
        }
        return s;
    }

    /**
     * A scalar's text as a tree node's {@code asText()} would give it (so that numbers sent where text is expected
     * read the same on both paths); objects and arrays are skipped and read as "".
     */
    private static String scalarText(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getText();
            case VALUE_NUMBER_FLOAT:
                return Double.toString(p.getDoubleValue());
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case VALUE_NULL:
                return null;
            default:
                p.skipChildren();
                return "";
        }
    }
}
