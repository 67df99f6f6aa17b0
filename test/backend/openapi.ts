// Loads component schemas from the OpenAI OpenAPI 3.1 spec into Ajv, pragmatically:
// - `$ref: '#/components/schemas/X'` is rewritten to a `$defs` entry of one registered schema;
// - `oneOf` becomes `anyOf`, because the spec's unions overlap (many variants accept the same object);
// - OpenAPI 3.0's `nullable: true`, still used in places, becomes a `null` in `type`;
// - older-draft leftovers are repaired: boolean exclusiveMinimum, duplicate `required` entries,
//   and `$recursiveRef` (dropped, so that one recursive filter type is not checked);
// - vendor keywords (x-*, discriminator, example) are ignored (strict: false), formats are not checked.
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import YAML from 'yaml';

const SPEC_ID = 'https://threadline.invalid/openai-openapi.json';

export interface SpecValidator {
  /** Validates `value` against components.schemas[name]; returns readable errors, empty when valid. */
  check(name: string, value: unknown): string[];
}

export function loadSpecValidator(file: string): SpecValidator {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: SPEC_ID, $defs: rewrite(doc.components.schemas) });
  const compiled = new Map<string, ValidateFunction>();
  return {
    check(name, value) {
      let validate = compiled.get(name);
      if (!validate) {
        if (!(name in doc.components.schemas)) throw new Error(`The spec has no schema named ${name}`);
        validate = ajv.compile({ $ref: `${SPEC_ID}#/$defs/${name}` });
        compiled.set(name, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)} (${e.schemaPath})`);
    },
  };
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/components/schemas/', '#/$defs/');
    else if (key === 'oneOf') out.anyOf = rewrite(value);
    else if (key === '$recursiveAnchor' || key === '$recursiveRef') continue; // draft 2019 leftovers: the recursion is not checked
    else out[key] = rewrite(value);
  }
  // Draft-4 style `exclusiveMinimum: true` beside `minimum`.
  if (typeof out.exclusiveMinimum === 'boolean') {
    if (out.exclusiveMinimum && typeof out.minimum === 'number') out.exclusiveMinimum = out.minimum;
    else delete out.exclusiveMinimum;
    if (typeof out.exclusiveMinimum === 'number') delete out.minimum;
  }
  if (Array.isArray(out.required)) out.required = [...new Set(out.required)];
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}
