"""Numbered schema migrations, applied in order at start, each in its own transaction.

Never edit a migration that has shipped: add the next number instead.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from bot.storage import rollup


class Migration(NamedTuple):
    version: int
    name: str
    sql: str
    # Rebuilds a table other tables refer to: run with foreign keys off (SQLite's documented
    # way: DROP TABLE would otherwise delete through the references), checked before COMMIT.
    rebuilds_parent: bool = False


# Migration 11 (a table rebuild); the triggers of bot/storage/rollup.py (as of migration 7)
# follow it.
_CLAIMS_UNASSIGNED: Final = """
        -- A claim may have no agent yet (issue 15): a mail-opened claim waits in the unassigned
        -- queue until an agent takes it or a lead assigns it. SQLite cannot drop NOT NULL in
        -- place: the table is rebuilt, every row, index and trigger kept, the ids unchanged
        -- (the other tables refer to claims by name, so they refer to the new one).
        CREATE TABLE claims_new (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id          TEXT NOT NULL,
            marketplace       TEXT NOT NULL,
            fulfillment       TEXT NOT NULL CHECK (fulfillment IN ('fbm', 'fba')),
            reason            TEXT NOT NULL CHECK (reason IN ('not_received', 'late_delivery',
                                  'not_as_described', 'defective', 'return_not_refunded',
                                  'return_refused', 'other')),
            buyer_language    TEXT NOT NULL,
            buyer_name        TEXT,
            product           TEXT,
            carrier           TEXT,
            tracking_number   TEXT,
            extra_facts       TEXT NOT NULL DEFAULT '{}',
            stage             TEXT NOT NULL,
            outcome           TEXT,
            agent_id          INTEGER REFERENCES users (id),  -- NULL: unassigned
            notified_at       TEXT NOT NULL,
            respond_by        TEXT NOT NULL,
            created_at        TEXT NOT NULL,
            updated_at        TEXT NOT NULL,
            closed_at         TEXT,
            step              TEXT NOT NULL DEFAULT 'contact_buyer',
            revision          INTEGER NOT NULL DEFAULT 1,
            contacted_at      TEXT,
            last_contact_at   TEXT,
            replied_at        TEXT,
            cause             TEXT CHECK (cause IN ('usage', 'defective', 'delivery', 'other')),
            evidence          TEXT NOT NULL DEFAULT '[]',
            info_requested_at TEXT
        );
        INSERT INTO claims_new (id, order_id, marketplace, fulfillment, reason, buyer_language,
                buyer_name, product, carrier, tracking_number, extra_facts, stage, outcome,
                agent_id, notified_at, respond_by, created_at, updated_at, closed_at, step,
                revision, contacted_at, last_contact_at, replied_at, cause, evidence,
                info_requested_at)
            SELECT id, order_id, marketplace, fulfillment, reason, buyer_language,
                buyer_name, product, carrier, tracking_number, extra_facts, stage, outcome,
                agent_id, notified_at, respond_by, created_at, updated_at, closed_at, step,
                revision, contacted_at, last_contact_at, replied_at, cause, evidence,
                info_requested_at
            FROM claims;
        DROP TABLE claims;  -- its indexes and triggers with it
        ALTER TABLE claims_new RENAME TO claims;
        CREATE INDEX claims_by_agent_open ON claims (agent_id, closed_at, respond_by);
        CREATE INDEX claims_by_order ON claims (order_id);
        CREATE INDEX claims_open ON claims (closed_at, respond_by);
        CREATE INDEX claims_by_notified ON claims (notified_at);
        CREATE INDEX claims_by_closed ON claims (outcome, closed_at);
        """


MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "initial schema",
        """
        CREATE TABLE users (
            id            INTEGER PRIMARY KEY,          -- the Telegram user id
            role          TEXT NOT NULL CHECK (role IN ('admin', 'lead', 'agent')),
            origin        TEXT NOT NULL DEFAULT 'telegram'
                          CHECK (origin IN ('telegram', 'console')),
            display_name  TEXT,
            ui_language   TEXT,                         -- NULL: follow the Telegram client
            active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );

        CREATE TABLE claims (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id        TEXT NOT NULL,
            marketplace     TEXT NOT NULL,
            fulfillment     TEXT NOT NULL CHECK (fulfillment IN ('fbm', 'fba')),
            reason          TEXT NOT NULL CHECK (reason IN ('not_received', 'late_delivery',
                                'not_as_described', 'defective', 'return_not_refunded',
                                'return_refused', 'other')),
            buyer_language  TEXT NOT NULL,
            buyer_name      TEXT,
            product         TEXT,
            carrier         TEXT,
            tracking_number TEXT,
            extra_facts     TEXT NOT NULL DEFAULT '{}',  -- JSON object of further facts
            stage           TEXT NOT NULL,
            outcome         TEXT,
            agent_id        INTEGER NOT NULL REFERENCES users (id),
            notified_at     TEXT NOT NULL,               -- ISO 8601, UTC
            respond_by      TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            closed_at       TEXT
        );
        CREATE INDEX claims_by_agent_open ON claims (agent_id, closed_at, respond_by);
        CREATE INDEX claims_by_order ON claims (order_id);

        CREATE TABLE drafts (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id    INTEGER NOT NULL REFERENCES claims (id),
            kind        TEXT NOT NULL,
            version     INTEGER NOT NULL CHECK (version >= 1),
            language    TEXT NOT NULL,
            subject     TEXT NOT NULL,
            body        TEXT NOT NULL,
            source      TEXT NOT NULL CHECK (source IN ('generated', 'edited')),
            author_id   INTEGER,
            created_at  TEXT NOT NULL,
            UNIQUE (claim_id, kind, version)
        );

        -- The audit trail: append-only. actor_id has no foreign key so that history outlives
        -- the people in it.
        CREATE TABLE events (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id    INTEGER REFERENCES claims (id),
            draft_id    INTEGER REFERENCES drafts (id),
            actor_id    INTEGER,
            kind        TEXT NOT NULL,
            payload     TEXT NOT NULL DEFAULT '{}',
            created_at  TEXT NOT NULL
        );
        CREATE INDEX events_by_claim ON events (claim_id, id);

        -- python-telegram-bot persistence (conversation states, per-user and per-chat data).
        CREATE TABLE ptb_conversations (
            name   TEXT NOT NULL,
            key    TEXT NOT NULL,                        -- JSON array, the conversation key
            state  TEXT NOT NULL,                        -- JSON value
            PRIMARY KEY (name, key)
        );
        CREATE TABLE ptb_user_data (user_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE ptb_chat_data (chat_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
        """,
    ),
    Migration(
        2,
        "claim journey",
        """
        -- Where the claim stands in its plan, and what has happened with the buyer so far.
        -- `revision` grows with every change: buttons carry it, so a button of a card that
        -- has since changed is recognised as stale.
        ALTER TABLE claims ADD COLUMN step TEXT NOT NULL DEFAULT 'contact_buyer';
        ALTER TABLE claims ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE claims ADD COLUMN contacted_at TEXT;     -- first message to the buyer sent
        ALTER TABLE claims ADD COLUMN last_contact_at TEXT;  -- latest message to the buyer sent
        ALTER TABLE claims ADD COLUMN replied_at TEXT;       -- the buyer answered
        ALTER TABLE claims ADD COLUMN cause TEXT
            CHECK (cause IN ('usage', 'defective', 'delivery', 'other'));
        ALTER TABLE claims ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';  -- JSON list

        ALTER TABLE drafts ADD COLUMN sent_at TEXT;

        -- A question the bot asked about a claim and is waiting for a typed answer to (the
        -- buyer's reply, a fact, an edited draft). Kept here rather than in memory so that
        -- it survives a restart the moment it is asked.
        CREATE TABLE pending_inputs (
            user_id     INTEGER PRIMARY KEY,
            claim_id    INTEGER NOT NULL REFERENCES claims (id),
            field       TEXT NOT NULL,
            draft_id    INTEGER REFERENCES drafts (id),
            revision    INTEGER NOT NULL,
            created_at  TEXT NOT NULL
        );
        """,
    ),
    Migration(
        3,
        "review and people",
        """
        -- The language of the person's Telegram client, seen on their last update: notices
        -- sent to them on someone else's action (a review decision) use it.
        ALTER TABLE users ADD COLUMN client_language TEXT;
        -- The name the person's Telegram shows, to recognise them in lists. Never used in
        -- messages to buyers: that is display_name, which people choose.
        ALTER TABLE users ADD COLUMN telegram_name TEXT;

        -- A draft version sent to the team leads for review, and what became of it.
        -- pending -> approved | returned | edited (a lead corrected it: a new version and a new
        -- review follow) | superseded (a newer version was submitted, or the draft went out
        -- while review was switched off).
        CREATE TABLE reviews (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id      INTEGER NOT NULL REFERENCES claims (id),
            draft_id      INTEGER NOT NULL REFERENCES drafts (id),
            status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                              ('pending', 'approved', 'returned', 'edited', 'superseded')),
            submitted_by  INTEGER NOT NULL,
            submitted_at  TEXT NOT NULL,
            decided_by    INTEGER,
            decided_at    TEXT,
            comment       TEXT
        );
        CREATE INDEX reviews_by_status ON reviews (status, claim_id);
        CREATE INDEX reviews_by_draft ON reviews (draft_id);

        -- The team's open claims, most urgent first (/claims for leads).
        CREATE INDEX claims_open ON claims (closed_at, respond_by);

        -- Where each review card was shown, so that every copy can say who decided.
        CREATE TABLE review_messages (
            review_id   INTEGER NOT NULL REFERENCES reviews (id),
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            PRIMARY KEY (review_id, chat_id, message_id)
        );

        -- Store settings an admin changes in the chat (review.required, ...).
        CREATE TABLE options (
            key         TEXT PRIMARY KEY,
            value       TEXT NOT NULL,
            updated_by  INTEGER,
            updated_at  TEXT NOT NULL
        );

        -- Typed answers may now be about a review, a person or the store, not only a claim:
        -- claim_id becomes optional and `ref` names the review or person. SQLite cannot drop
        -- NOT NULL in place, so the small table is rebuilt.
        CREATE TABLE pending_inputs_new (
            user_id     INTEGER PRIMARY KEY,
            claim_id    INTEGER REFERENCES claims (id),
            field       TEXT NOT NULL,
            draft_id    INTEGER REFERENCES drafts (id),
            revision    INTEGER NOT NULL DEFAULT 0,
            ref         INTEGER,
            created_at  TEXT NOT NULL
        );
        INSERT INTO pending_inputs_new (user_id, claim_id, field, draft_id, revision, created_at)
            SELECT user_id, claim_id, field, draft_id, revision, created_at FROM pending_inputs;
        DROP TABLE pending_inputs;
        ALTER TABLE pending_inputs_new RENAME TO pending_inputs;
        """,
    ),
    Migration(
        4,
        "reminders",
        """
        -- Deadline reminders already handled for a claim: written before the message is sent
        -- (at most once: a crash between the two loses one reminder rather than repeating
        -- it). `skipped` ones fell due while the bot was down and a more urgent one was sent.
        CREATE TABLE reminders (
            claim_id  INTEGER NOT NULL REFERENCES claims (id),
            kind      TEXT NOT NULL CHECK (kind IN ('24h', '6h', '1h', 'overdue')),
            sent_at   TEXT NOT NULL,
            skipped   INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
            PRIMARY KEY (claim_id, kind)
        ) WITHOUT ROWID;
        """,
    ),
    Migration(
        5,
        "reporting",
        """
        -- /export and the overdue count of /stats select a period by the notice date (the
        -- rest of /stats reads the daily counts of migration 7).
        CREATE INDEX claims_by_notified ON claims (notified_at);
        """,
    ),
    Migration(
        6,
        "time zones and information requests",
        """
        -- The time zone a person reads times in; NULL: each claim's marketplace's.
        ALTER TABLE users ADD COLUMN time_zone TEXT;
        -- When Amazon last asked the seller for more information (an answer is due in 48 h).
        ALTER TABLE claims ADD COLUMN info_requested_at TEXT;
        """,
    ),
    Migration(
        7,
        "daily counts",
        # /stats adds up daily counts kept by triggers (bot/storage/rollup.py), filled here
        # from the claims already stored.
        rollup.SCHEMA_V7 + rollup.TRIGGERS_V7 + rollup.rebuild_sql_v7(),
    ),
    Migration(
        8,
        "questions",
        """
        -- An agent's unfinished /new: the answers and the question being asked, one row, so the
        -- two are written together, and deleted in the transaction that opens the claim. They
        -- lived in python-telegram-bot's conversation and user data before: moved here.
        CREATE TABLE intakes (
            user_id     INTEGER PRIMARY KEY,
            answers     TEXT NOT NULL,                   -- JSON, bot/domain/intake.py
            updated_at  TEXT NOT NULL
        );
        INSERT INTO intakes (user_id, answers, updated_at)
            SELECT user_id, json_extract(data, '$.intake'),
                   strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
            FROM ptb_user_data WHERE json_type(data, '$.intake') = 'object';
        UPDATE ptb_user_data SET data = json_remove(data, '$.intake')
            WHERE json_type(data, '$.intake') IS NOT NULL;
        DELETE FROM ptb_conversations WHERE name = 'intake';

        -- The typed answer awaited from a person: a question kind (bot/domain/questions.py)
        -- and its argument, instead of one string with ad-hoc prefixes ("evid:", "store:").
        CREATE TABLE pending_inputs_new (
            user_id     INTEGER PRIMARY KEY,
            kind        TEXT NOT NULL,
            arg         TEXT,
            claim_id    INTEGER REFERENCES claims (id),
            draft_id    INTEGER REFERENCES drafts (id),
            revision    INTEGER NOT NULL DEFAULT 0,
            ref         INTEGER,
            created_at  TEXT NOT NULL
        );
        INSERT INTO pending_inputs_new
            (user_id, kind, arg, claim_id, draft_id, revision, ref, created_at)
            SELECT user_id,
                   CASE
                       WHEN field LIKE 'evid:%' THEN 'evidence'
                       WHEN field LIKE 'user_add:%' THEN 'person_add'
                       WHEN field LIKE 'store:%' THEN 'store_text'
                       WHEN field IN ('buyer_reply', 'usage_steps', 'edit', 'free', 'rv_edit',
                                      'rv_return') THEN field
                       ELSE 'fact'
                   END,
                   CASE
                       WHEN instr(field, ':') > 0 THEN substr(field, instr(field, ':') + 1)
                       WHEN field IN ('buyer_reply', 'usage_steps', 'edit', 'free', 'rv_edit',
                                      'rv_return') THEN NULL
                       ELSE field
                   END,
                   claim_id, draft_id, revision, ref, created_at
            FROM pending_inputs;
        DROP TABLE pending_inputs;
        ALTER TABLE pending_inputs_new RENAME TO pending_inputs;
        """,
    ),
    Migration(
        9,
        "mails",
        """
        -- Every mail the mail intake read (issue 15), once, by its Message-ID: what it was, the
        -- claim it opened or found open, or why it was left for an admin. Written in the
        -- transaction that opens the claim: a mail read twice opens nothing the second time.
        CREATE TABLE mails (
            message_id  TEXT PRIMARY KEY,
            received_at TEXT NOT NULL,
            source      TEXT NOT NULL,                   -- 'eml' (claimbot mail --eml), ...
            sender      TEXT,
            subject     TEXT NOT NULL DEFAULT '',
            kind        TEXT NOT NULL CHECK (kind IN ('claim_notice', 'not_amazon',
                            'not_understood')),
            claim_id    INTEGER REFERENCES claims (id),
            outcome     TEXT NOT NULL CHECK (outcome IN ('opened', 'already_open', 'left'))
        );
        """,
    ),
    Migration(
        10,
        "reminders for every deadline",
        """
        -- Reminders for every deadline of a claim, not only Amazon's respond-by time: one row
        -- per (claim, deadline, instance, mark). The instance is the deadline's time (UTC, as
        -- stored), so a new information request, a new buyer message or a corrected
        -- respond-by time gets reminders of its own; for 'review' (a draft waiting for a
        -- lead) it is the submission's time. Rows so far were respond-by ones.
        CREATE TABLE reminders_new (
            claim_id  INTEGER NOT NULL REFERENCES claims (id),
            deadline  TEXT NOT NULL
                      CHECK (deadline IN
                          ('respond_by', 'information', 'buyer_answer', 'appeal', 'review')),
            instance  TEXT NOT NULL,
            kind      TEXT NOT NULL
                      CHECK (kind IN
                          ('7d', '24h', '12h', '6h', '2h', '1h', 'overdue', 'waiting')),
            sent_at   TEXT NOT NULL,
            skipped   INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
            PRIMARY KEY (claim_id, deadline, instance, kind)
        ) WITHOUT ROWID;
        INSERT INTO reminders_new (claim_id, deadline, instance, kind, sent_at, skipped)
            SELECT r.claim_id, 'respond_by', c.respond_by, r.kind, r.sent_at, r.skipped
            FROM reminders r JOIN claims c ON c.id = r.claim_id;
        DROP TABLE reminders;
        ALTER TABLE reminders_new RENAME TO reminders;
        -- The appeal window: claims closed in the last 30 days, by outcome.
        CREATE INDEX claims_by_closed ON claims (outcome, closed_at);
        """,
    ),
    Migration(
        11,
        "claims may be unassigned",
        _CLAIMS_UNASSIGNED + rollup.TRIGGERS_V7,
        rebuilds_parent=True,
    ),
    Migration(
        12,
        "mails from a mailbox",
        """
        -- The mail intake reads an IMAP mailbox (issue 15). Every kind of Amazon mail it
        -- understands (an information request, a decision or appeal result, a buyer's
        -- message) and what it did ('recorded' on a claim); the order the mail is about, for
        -- the admins' list of mails left. No table refers to mails: a plain rebuild.
        CREATE TABLE mails_new (
            message_id  TEXT PRIMARY KEY,
            received_at TEXT NOT NULL,
            source      TEXT NOT NULL,                   -- 'eml', or the mailbox's address
            sender      TEXT,
            subject     TEXT NOT NULL DEFAULT '',
            kind        TEXT NOT NULL CHECK (kind IN ('claim_notice', 'info_request',
                            'decision', 'buyer_message', 'not_amazon', 'not_understood')),
            claim_id    INTEGER REFERENCES claims (id),
            outcome     TEXT NOT NULL
                        CHECK (outcome IN ('opened', 'already_open', 'recorded', 'left')),
            order_id    TEXT
        );
        INSERT INTO mails_new (message_id, received_at, source, sender, subject, kind,
                claim_id, outcome)
            SELECT message_id, received_at, source, sender, subject, kind, claim_id, outcome
            FROM mails;
        DROP TABLE mails;
        ALTER TABLE mails_new RENAME TO mails;
        CREATE INDEX mails_left ON mails (outcome, received_at);
        -- Each message of the mailbox read, by (mailbox, UIDVALIDITY, UID), written in the
        -- transaction of what the mail caused: a mail fetched again after a crash is known
        -- and causes nothing twice. flagged_at: when it was flagged on the server (only after
        -- that transaction committed); NULL means the flag is still to set.
        CREATE TABLE mailbox_uids (
            mailbox     TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            uid         INTEGER NOT NULL,
            message_id  TEXT NOT NULL,
            read_at     TEXT NOT NULL,
            flagged_at  TEXT,
            PRIMARY KEY (mailbox, uidvalidity, uid)
        ) WITHOUT ROWID;
        """,
    ),
    Migration(
        13,
        "review topics",
        """
        -- Review without fan-out (issue 16): in a leads' group that is a forum, each claim's
        -- review cards go to a topic of their own, created on first use and reused: its
        -- message_thread_id, per group (the configured group may change) and claim.
        CREATE TABLE review_topics (
            chat_id    INTEGER NOT NULL,
            claim_id   INTEGER NOT NULL REFERENCES claims (id),
            thread_id  INTEGER NOT NULL,
            PRIMARY KEY (chat_id, claim_id)
        ) WITHOUT ROWID;
        -- Whether a group is a forum, learnt once from getChat and remembered.
        CREATE TABLE group_chats (
            chat_id    INTEGER PRIMARY KEY,
            is_forum   INTEGER NOT NULL CHECK (is_forum IN (0, 1)),
            checked_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        14,
        "several stores",
        """
        -- Several Amazon stores on one team (issue 16). A store: the name, signatures and
        -- gifts buyers read, its marketplaces, and the addresses Amazon mails its notices to.
        -- Store 1 is the profile of claimbot.toml: a NULL or missing value there falls back to
        -- the configuration; the other stores have only what an admin set. Made from what an
        -- admin had changed in /settings (the options store.name, store.signature and
        -- store.signature.<language>), which the stores table now owns.
        CREATE TABLE stores (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            name           TEXT,
            signature      TEXT,
            signatures     TEXT NOT NULL DEFAULT '{}',  -- buyer language -> signature
            gifts          TEXT NOT NULL DEFAULT '{}',  -- marketplace -> {description, value}
            marketplaces   TEXT NOT NULL DEFAULT '[]',  -- marketplace codes
            mail_addresses TEXT NOT NULL DEFAULT '[]',  -- lower-case e-mail addresses
            created_at     TEXT NOT NULL
        );
        INSERT INTO stores (id, name, signature, signatures, created_at)
            VALUES (
                1,
                (SELECT value FROM options WHERE key = 'store.name'),
                (SELECT value FROM options WHERE key = 'store.signature'),
                (SELECT COALESCE(json_group_object(substr(key, 17), value), '{}')
                    FROM options WHERE substr(key, 1, 16) = 'store.signature.'),
                strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
            );
        DELETE FROM options
            WHERE key IN ('store.name', 'store.signature')
               OR substr(key, 1, 16) = 'store.signature.';
        -- Every claim so far is store 1's. (No REFERENCES: SQLite adds a column with a
        -- foreign key only with a NULL default; the store service writes known ids only.)
        ALTER TABLE claims ADD COLUMN store_id INTEGER NOT NULL DEFAULT 1;
        CREATE INDEX claims_by_store_open ON claims (store_id, closed_at, respond_by);
        -- The stores a person works for; none: every store.
        CREATE TABLE user_stores (
            user_id   INTEGER NOT NULL REFERENCES users (id),
            store_id  INTEGER NOT NULL REFERENCES stores (id),
            PRIMARY KEY (user_id, store_id)
        ) WITHOUT ROWID;
        """,
    ),
    Migration(
        15,
        "outbox",
        """
        -- Messages to other people (issue 16): one row per Telegram message, written in the
        -- transaction of what caused it (a review decision, a reminder), sent by the outbox
        -- worker (bot/outbox.py) in order per chat. attempts/attempted_at are recorded before
        -- each Bot API call; sent_at and message_id once Telegram confirmed it; failed_at when
        -- it will never be sent (the person blocked the bot, too many failures).
        -- last_error: the error's type only, never its text.
        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id         INTEGER NOT NULL,
            text            TEXT NOT NULL,
            buttons         TEXT NOT NULL DEFAULT '[]',  -- JSON: rows of [label, data]
            kind            TEXT NOT NULL,
            claim_id        INTEGER REFERENCES claims (id),
            event_id        INTEGER REFERENCES events (id),
            created_at      TEXT NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            attempted_at    TEXT,
            next_attempt_at TEXT NOT NULL,
            sent_at         TEXT,
            message_id      INTEGER,
            failed_at       TEXT,
            last_error      TEXT
        );
        -- What is left to send, per chat in order.
        CREATE INDEX outbox_waiting ON outbox (chat_id, id)
            WHERE sent_at IS NULL AND failed_at IS NULL;
        CREATE INDEX outbox_by_event ON outbox (event_id) WHERE event_id IS NOT NULL;
        """,
    ),
    Migration(
        16,
        "daily counts per store",
        # /stats by store (issue 16): the daily counts get a store column, in their key, and
        # their triggers follow a claim's store too (a claim moved to another store takes
        # its counts with it). Recounted from the claims as they are.
        """
        DROP TRIGGER claim_days_insert;
        DROP TRIGGER claim_days_update;
        DROP TRIGGER claim_days_delete;
        DROP TABLE claim_days;
        """
        + rollup.SCHEMA
        + rollup.TRIGGERS
        + rollup.rebuild_sql(),
    ),
)
