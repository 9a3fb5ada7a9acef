-- ckdb base schema. Memory is the read path; these tables are what memory is rebuilt from.
CREATE TABLE users (
    username      text PRIMARY KEY,
    passwordhash  text,
    email         text,
    status        text NOT NULL DEFAULT 'active',
    createdate    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workers (
    username          text NOT NULL,
    workername        text NOT NULL,
    difficultydefault double precision NOT NULL DEFAULT 0,
    createdate        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, workername)
);

-- A user's payout split: ratio is relative to the sum of the user's ratios.
CREATE TABLE paymentaddresses (
    username   text NOT NULL,
    address    text NOT NULL,
    ratio      integer NOT NULL CHECK (ratio > 0),
    createdate timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, address)
);

CREATE TABLE auths (
    authid      bigserial PRIMARY KEY,
    username    text NOT NULL,
    workername  text NOT NULL,
    clientid    bigint,
    useragent   text,
    preauth     boolean NOT NULL DEFAULT false,
    createdate  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workinfo (
    workinfoid  bigint PRIMARY KEY,
    height      bigint,
    prevhash    text,
    bits        text,
    ntime       text,
    reward      bigint,
    createdate  timestamptz NOT NULL DEFAULT now()
);

-- Accepted shares. (source, seq) makes a resent message harmless; shareid is ckdb's global arrival order,
-- which the PPLNS window walks backwards.
CREATE TABLE shares (
    source      text NOT NULL,
    seq         bigint NOT NULL,
    shareid     bigint NOT NULL,
    workinfoid  bigint NOT NULL,
    username    text NOT NULL,
    workername  text NOT NULL,
    diff        double precision NOT NULL,
    sdiff       double precision NOT NULL,
    createdate  timestamptz NOT NULL,
    PRIMARY KEY (source, seq)
);
CREATE INDEX shares_shareid ON shares (shareid);

CREATE TABLE sharerrors (
    source      text NOT NULL,
    seq         bigint NOT NULL,
    workinfoid  bigint,
    username    text NOT NULL,
    workername  text NOT NULL,
    diff        double precision,
    errn        integer NOT NULL,
    error       text,
    createdate  timestamptz NOT NULL,
    PRIMARY KEY (source, seq)
);

CREATE TABLE blocks (
    blockhash     text PRIMARY KEY,
    height        bigint NOT NULL,
    workinfoid    bigint,
    username      text NOT NULL,
    workername    text NOT NULL,
    reward        bigint NOT NULL,
    netdiff       double precision NOT NULL,
    shareid_end   bigint NOT NULL,
    status        text NOT NULL CHECK (status IN ('new', 'confirmed', 'orphan')),
    createdate    timestamptz NOT NULL,
    statusdate    timestamptz NOT NULL DEFAULT now()
);

-- The share range a block's PPLNS window covered (ckdb's "marks"/work markers, one per paid block).
CREATE TABLE workmarkers (
    blockhash       text PRIMARY KEY,
    shareid_begin   bigint NOT NULL,
    shareid_end     bigint NOT NULL,
    window_diff     double precision NOT NULL,
    counted_diff    double precision NOT NULL,
    pplns_n         double precision NOT NULL,
    fee             double precision NOT NULL,
    createdate      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE miningpayouts (
    blockhash  text NOT NULL,
    username   text NOT NULL,
    diffsum    double precision NOT NULL,
    amount     bigint NOT NULL,
    PRIMARY KEY (blockhash, username)
);

CREATE TABLE payouts (
    blockhash  text NOT NULL,
    username   text NOT NULL,
    address    text NOT NULL,
    amount     bigint NOT NULL,
    status     text NOT NULL CHECK (status IN ('pending', 'void')),
    PRIMARY KEY (blockhash, username, address)
);

CREATE TABLE poolstats (
    source      text NOT NULL,
    createdate  timestamptz NOT NULL,
    stats       jsonb NOT NULL
);

CREATE TABLE userstats (
    username    text NOT NULL,
    createdate  timestamptz NOT NULL,
    stats       jsonb NOT NULL
);

CREATE TABLE workerstats (
    username    text NOT NULL,
    workername  text NOT NULL,
    createdate  timestamptz NOT NULL,
    stats       jsonb NOT NULL
);

-- Highest sequence number of each message source whose effects are committed (same transaction as the effects).
CREATE TABLE source_seq (
    source  text PRIMARY KEY,
    seq     bigint NOT NULL
);
