-- Per-worker share totals, kept up to date in the same transaction as the shares and share errors they count,
-- so that start-up reads one row per worker instead of aggregating the whole shares table.
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

INSERT INTO worker_totals (username, workername, rejects)
    SELECT username, workername, count(*) FROM sharerrors GROUP BY username, workername
    ON CONFLICT (username, workername) DO UPDATE SET rejects = EXCLUDED.rejects;

-- start-up reads the latest pool stats; without an index that is a scan of every stats row ever written
CREATE INDEX poolstats_createdate ON poolstats (createdate);
