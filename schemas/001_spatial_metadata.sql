-- SpatiaLite's metadata tables, with only the reference systems diming uses:
--   4490 CGCS2000 geographic: how every geometry is stored
--   4549 CGCS2000 / 3-degree Gauss-Krueger CM 120E: where distances are measured (covers Pinghu)
--   4528 the same zone with the zone-prefixed false easting, seen in surveying exports
--   4326 WGS 84 and 3857 Web Mercator: what web clients speak
-- Every statement below returns 1 on success; the migration runner fails on a 0.
SELECT InitSpatialMetadata('NONE');
SELECT InsertEpsgSrid(4490);
SELECT InsertEpsgSrid(4549);
SELECT InsertEpsgSrid(4528);
SELECT InsertEpsgSrid(4326);
SELECT InsertEpsgSrid(3857);
