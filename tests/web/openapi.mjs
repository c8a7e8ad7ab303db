// Validates diming's OpenAPI document (GET /api) with @apidevtools/swagger-parser, a real
// OpenAPI 3 validator (schema and semantics). Run by tests/web/test_openapi.cpp:
//   node openapi.mjs URL   prints {"valid": true|false, "error": ..., "paths": N}
import SwaggerParser from '@apidevtools/swagger-parser';

const url = process.argv[2];
const report = { valid: false, error: null, paths: 0 };
try {
  const doc = await (await fetch(url)).json();
  report.paths = Object.keys(doc.paths || {}).length;
  await SwaggerParser.validate(doc);
  report.valid = true;
} catch (e) {
  report.error = String(e && e.message ? e.message : e);
}
console.log(JSON.stringify(report));
