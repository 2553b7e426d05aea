"""The history database's schema as ordered migration scripts.

``MIGRATIONS[n]`` takes a database from ``PRAGMA user_version`` n to n + 1. A script that has
shipped is never edited; a change of schema is a new script at the end.

Conventions: times are Unix seconds (REAL); ``*_json`` style columns (settings, meta, request,
options, transcript, response_meta) hold JSON text; media files live under the data folder
and rows hold their paths.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL DEFAULT '',
    created          REAL    NOT NULL,
    updated          REAL    NOT NULL,
    model            TEXT,
    system_prompt    TEXT,
    temperature      REAL,
    max_tokens       INTEGER,
    top_p            REAL,
    context_messages INTEGER,
    mode             TEXT    NOT NULL DEFAULT 'chat' CHECK (mode IN ('chat', 'completion')),
    settings         TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX conversations_by_updated ON conversations (updated DESC);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    role              TEXT    NOT NULL,
    content           TEXT    NOT NULL DEFAULT '',
    reasoning         TEXT,
    created           REAL    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'complete'
                      CHECK (status IN ('complete', 'streaming', 'stopped', 'error')),
    model             TEXT,
    response_id       TEXT,
    finish_reason     TEXT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    total_tokens      INTEGER,
    cost_credits      REAL,
    cost_usd          REAL,
    meta              TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, position);

CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    mime       TEXT    NOT NULL,
    name       TEXT,
    path       TEXT,
    data       BLOB,
    CHECK (path IS NOT NULL OR data IS NOT NULL)
);
CREATE INDEX attachments_by_message ON attachments (message_id);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE TABLE images (
    id            INTEGER PRIMARY KEY,
    created       REAL    NOT NULL,
    model         TEXT    NOT NULL,
    prompt        TEXT    NOT NULL DEFAULT '',
    request       TEXT    NOT NULL DEFAULT '{}',
    response_meta TEXT    NOT NULL DEFAULT '{}',
    path          TEXT,
    mime          TEXT,
    width         INTEGER,
    height        INTEGER,
    seed          INTEGER,
    cost_usd      REAL,
    cost_credits  REAL
);
CREATE INDEX images_by_created ON images (created DESC);

CREATE VIRTUAL TABLE images_fts USING fts5 (
    prompt, content = 'images', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
    INSERT INTO images_fts (rowid, prompt) VALUES (new.id, new.prompt);
END;
CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt) VALUES ('delete', old.id, old.prompt);
END;
CREATE TRIGGER images_fts_update AFTER UPDATE OF prompt ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt) VALUES ('delete', old.id, old.prompt);
    INSERT INTO images_fts (rowid, prompt) VALUES (new.id, new.prompt);
END;

CREATE TABLE transcriptions (
    id          INTEGER PRIMARY KEY,
    created     REAL    NOT NULL,
    source      TEXT    NOT NULL,
    source_kind TEXT    NOT NULL DEFAULT 'file' CHECK (source_kind IN ('file', 'url')),
    model       TEXT    NOT NULL,
    options     TEXT    NOT NULL DEFAULT '{}',
    status      TEXT    NOT NULL DEFAULT 'queued',
    error       TEXT,
    text        TEXT    NOT NULL DEFAULT '',
    transcript  TEXT,
    duration    REAL,
    cost_usd    REAL,
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX transcriptions_by_position ON transcriptions (position);

CREATE VIRTUAL TABLE transcriptions_fts USING fts5 (
    text, content = 'transcriptions', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER transcriptions_fts_insert AFTER INSERT ON transcriptions BEGIN
    INSERT INTO transcriptions_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER transcriptions_fts_delete AFTER DELETE ON transcriptions BEGIN
    INSERT INTO transcriptions_fts (transcriptions_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER transcriptions_fts_update AFTER UPDATE OF text ON transcriptions BEGIN
    INSERT INTO transcriptions_fts (transcriptions_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
    INSERT INTO transcriptions_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE speech (
    id       INTEGER PRIMARY KEY,
    created  REAL    NOT NULL,
    text     TEXT    NOT NULL,
    model    TEXT    NOT NULL,
    voice    TEXT,
    options  TEXT    NOT NULL DEFAULT '{}',
    path     TEXT,
    format   TEXT,
    duration REAL,
    cost_usd REAL
);
CREATE INDEX speech_by_created ON speech (created DESC);

CREATE VIRTUAL TABLE speech_fts USING fts5 (
    text, content = 'speech', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER speech_fts_insert AFTER INSERT ON speech BEGIN
    INSERT INTO speech_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER speech_fts_delete AFTER DELETE ON speech BEGIN
    INSERT INTO speech_fts (speech_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER speech_fts_update AFTER UPDATE OF text ON speech BEGIN
    INSERT INTO speech_fts (speech_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO speech_fts (rowid, text) VALUES (new.id, new.text);
END;
"""

SCHEMA_V2 = """
CREATE TABLE usage (
    id                INTEGER PRIMARY KEY,
    created           REAL    NOT NULL,
    tab               TEXT    NOT NULL CHECK (tab IN ('chat', 'images', 'stt', 'tts')),
    model             TEXT    NOT NULL DEFAULT '',
    origin            TEXT    NOT NULL DEFAULT 'window',
    status            TEXT    NOT NULL DEFAULT 'complete',
    cost_usd          REAL,
    cost_credits      REAL,
    estimated         INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    total_tokens      INTEGER,
    images            INTEGER,
    characters        INTEGER,
    seconds           REAL,
    request_id        TEXT
);
CREATE INDEX usage_by_created ON usage (created);

CREATE TABLE balance_samples (
    id       INTEGER PRIMARY KEY,
    created  REAL NOT NULL,
    amount   REAL NOT NULL,
    currency TEXT NOT NULL DEFAULT 'USD'
);
CREATE INDEX balance_samples_by_created ON balance_samples (created);
"""

MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2)
