-- The fault suite's Gone storm: 1,000 connections that API Gateway no longer has, of users who
-- are online, so no $disconnect ever comes for them and pushes find them Gone. Used by
-- bench/faults.sh (gone-storm) and bench/loadgen/tests/faults.rs.
INSERT INTO connections (connection_id, user_id)
SELECT 'gone-' || g, online.user_id FROM generate_series(1, 1000) AS g
CROSS JOIN LATERAL (SELECT user_id FROM connections
                    WHERE g > 0 AND connection_id NOT LIKE 'gone-%'
                    ORDER BY random() LIMIT 1) AS online;
