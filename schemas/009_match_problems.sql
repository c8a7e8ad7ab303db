-- The latest match run's problem records (unmatched, or linked to a civil plate beyond the
-- distance threshold), in an R*Tree of their points: the map shows them from zoom 14, where
-- a tile of a town centre holds a hundred thousand imported addresses and scanning those to
-- find a few hundred problems took longer than a tile may. Rewritten by each match run.
CREATE VIRTUAL TABLE match_problems USING rtree(id, minx, maxx, miny, maxy, +run_id INTEGER);

INSERT INTO match_problems(id, minx, maxx, miny, maxy, run_id)
SELECT r.police_address_id, X(a.geom), X(a.geom), Y(a.geom), Y(a.geom), r.run_id
  FROM match_results r JOIN source_addresses a ON a.id = r.police_address_id
 WHERE r.run_id = (SELECT max(id) FROM match_runs WHERE finished_at IS NOT NULL)
   AND a.geom IS NOT NULL AND (r.level = 'unmatched' OR r.spatially_consistent = 0);
