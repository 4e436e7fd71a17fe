// The parts of an OpenAPI 3.1 document Vial writes, typed for `app.openapi()` and the App options.
import type { JSONSchema } from "../validation/schema.js";

export type { JSONSchema };

/** `info.contact`. */
export interface Contact {
  name?: string;
  url?: string;
  email?: string;
}

/** `info.license`: a name, with an SPDX `identifier` or a `url` (OpenAPI 3.1). */
export interface License {
  name: string;
  identifier?: string;
  url?: string;
}

/** A `servers` entry. */
export interface ServerObject {
  url: string;
  description?: string;
  variables?: Record<string, { default: string; enum?: string[]; description?: string }>;
}

/** Tag metadata (`openapiTags`): the order here is the order of the groups in the docs. */
export interface TagObject {
  name: string;
  description?: string;
  externalDocs?: { url: string; description?: string };
}

export interface InfoObject {
  title: string;
  version: string;
  summary?: string;
  description?: string;
  contact?: Contact;
  license?: License;
  [extension: `x-${string}`]: unknown;
}

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JSONSchema;
  description?: string;
  deprecated?: boolean;
}

export interface MediaTypeObject {
  schema?: JSONSchema;
  [key: string]: unknown;
}

export interface RequestBodyObject {
  content: Record<string, MediaTypeObject>;
  required?: boolean;
}

export interface ResponseObject {
  description: string;
  content?: Record<string, MediaTypeObject>;
  headers?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One scheme name -> the OAuth2 scopes it needs (empty for other schemes). */
export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  tags?: string[];
  summary: string;
  description?: string;
  operationId: string;
  deprecated?: boolean;
  parameters?: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject>;
  security: SecurityRequirement[];
  [extension: `x-${string}`]: unknown;
}

export type PathItemObject = Record<string, OperationObject>;

/** The document `app.openapi()` returns and `/openapi.json` serves. */
export interface OpenAPIDocument {
  openapi: "3.1.0";
  info: InfoObject;
  servers: ServerObject[];
  paths: Record<string, PathItemObject>;
  components?: {
    schemas?: Record<string, JSONSchema>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
  tags?: TagObject[];
  [extension: `x-${string}`]: unknown;
}
