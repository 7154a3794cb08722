-- Live WebSocket connections (API Gateway holds the sockets; this maps them to users).

CREATE TABLE connections (
    connection_id text PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connected_at  timestamptz NOT NULL DEFAULT now(),
    -- Last frame received; the sweeper checks connections idle longer than API Gateway allows.
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
-- Fan-out: the connections of a chat's members, and "is this user online".
CREATE INDEX connections_user_id ON connections (user_id);
-- The sweeper: connections past API Gateway's 2-hour limit, and idle ones.
CREATE INDEX connections_connected_at ON connections (connected_at);
CREATE INDEX connections_last_seen_at ON connections (last_seen_at);
