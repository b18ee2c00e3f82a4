/**
 * The JSON schema of the declaration, derived from the field table. It is contributed through
 * `yamlValidation` for `*.cosvm.yaml` only, so the Red Hat YAML extension helps too; our own validator
 * stays the authority (YAML 1.1 typing and the cross-references need code).
 */
import { rootFields, type FieldTable, type FieldType } from './fields';

type JsonSchema = Record<string, unknown>;

function typeSchema(type: FieldType, required = false): JsonSchema {
  switch (type.kind) {
    case 'string':
      // konlet keeps the raw text of any scalar in a string field (`value: 8080`), so numbers and booleans are fine.
      if (type.enum) return { enum: [...type.enum] };
      // A required string must not be empty either (`image: ""` fails the pull).
      return required ? { type: ['string', 'number', 'boolean'], minLength: 1 } : { type: ['string', 'number', 'boolean', 'null'] };
    case 'bool':
      return { type: ['boolean', 'null'] };
    case 'int':
      return { type: ['integer', 'null'] };
    case 'stringList':
      return { type: ['array', 'null'], items: { type: ['string', 'number', 'boolean', 'null'] } };
    case 'list':
      return { type: ['array', 'null'], items: tableSchema(type.item) };
    case 'object':
      return tableSchema(type.fields);
  }
}

function tableSchema(fields: FieldTable): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(fields)) {
    properties[name] = { ...typeSchema(spec.type, spec.required), markdownDescription: `${spec.doc}\n\n**konlet:** ${spec.konlet}\n\n**cloud-init:** ${spec.cloudInit}` };
  }
  const required = Object.entries(fields).filter(([, spec]) => spec.required).map(([name]) => name);
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

export function declarationJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://cosvm.dev/schemas/declaration.json',
    title: 'Container declaration (gce-container-declaration / cosvm)',
    ...tableSchema(rootFields),
  };
}
