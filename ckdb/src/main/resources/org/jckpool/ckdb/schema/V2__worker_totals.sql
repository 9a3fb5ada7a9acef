-- Per-worker share totals, so that start-up reads one row per worker instead of aggregating the whole shares
-- table. Share errors count in the transaction that inserts them; accepted shares are rolled up about once a
-- second, in the transaction of a share batch, and worker_totals_mark says up to which shareid they are counted
-- (start-up adds up only the shares above it).
CREATE TABLE worker_totals (
    username    text NOT NULL,
    workername  text NOT NULL,
    diffacc     double precision NOT NULL DEFAULT 0,
    shares      bigint NOT NULL DEFAULT 0,
    rejects     bigint NOT NULL DEFAULT 0,
    lastshare   timestamptz,
    PRIMARY KEY (username, workername)
);

INSERT INTO worker_totals (username, workername, diffacc, shares, lastshare)
    SELECT username, workername, sum(diff), count(*), max(createdate) FROM shares GROUP BY username, workername;

CREATE TABLE worker_totals_mark (
    onerow   boolean PRIMARY KEY DEFAULT true CHECK (onerow),
    shareid  bigint NOT NULL
);
INSERT INTO worker_totals_mark (shareid) SELECT coalesce(max(shareid), 0) FROM shares;

INSERT INTO worker_totals (username, workername, rejects)
    SELECT username, workername, count(*) FROM sharerrors GROUP BY username, workername
    ON CONFLICT (username, workername) DO UPDATE SET rejects = EXCLUDED.rejects;

-- start-up reads the latest pool stats; without an index that is a scan of every stats row ever written
CREATE INDEX poolstats_createdate ON poolstats (createdate);
