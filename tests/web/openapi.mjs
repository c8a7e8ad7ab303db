// Validates diming's OpenAPI document (GET /api) with @apidevtools/swagger-parser, a real
// OpenAPI 3 validator (schema and semantics). Run by tests/web/test_openapi.cpp:
//   node openapi.mjs URL   prints {"valid": true|false, "error": ..., "paths": N,
//                                  "yaml_valid": …, "yaml_same": …}
// The YAML form (URL?f=yaml) is validated too, and must say what the JSON says.
import SwaggerParser from '@apidevtools/swagger-parser';
import { isDeepStrictEqual } from 'node:util';

const url = process.argv[2];
const report = { valid: false, error: null, paths: 0, yaml_valid: false, yaml_same: false, yaml_type: null };
try {
  const doc = await (await fetch(url)).json();
  report.paths = Object.keys(doc.paths || {}).length;
  await SwaggerParser.validate(structuredClone(doc));
  report.valid = true;
  const yaml = await fetch(url + '?f=yaml');
  report.yaml_type = yaml.headers.get('content-type');
  // swagger-parser reads YAML from a URL itself (its own YAML parser).
  const fromYaml = await SwaggerParser.parse(url + '?f=yaml');
  report.yaml_same = isDeepStrictEqual(fromYaml, doc);
  await SwaggerParser.validate(url + '?f=yaml');
  report.yaml_valid = true;
} catch (e) {
  report.error = String(e && e.message ? e.message : e);
}
console.log(JSON.stringify(report));
