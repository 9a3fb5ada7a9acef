package org.jckpool.ckdb.store;

import java.sql.Connection;

/** One accepted share, copied into {@code shares} in bulk by the writer. */
public record ShareRow(String source, long seq, long shareId, long workinfoId, String username, String workername,
                       double diff, double sdiff, long createdMillis) implements DbOp {

    @Override
    public void execute(Connection c) {
        throw new UnsupportedOperationException("shares are copied in bulk");
    }

    /** Appends this row in COPY text format. */
    void appendCopyLine(StringBuilder sb) {
        copyText(sb, source).append('\t').append(seq).append('\t').append(shareId).append('\t').append(workinfoId)
                .append('\t');
        copyText(sb, username).append('\t');
        copyText(sb, workername).append('\t').append(diff).append('\t').append(sdiff).append('\t')
                .append(TimeText.utc(createdMillis)).append('\n');
    }

    static StringBuilder copyText(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb;
    }
}
