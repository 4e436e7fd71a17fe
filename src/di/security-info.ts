/** An OpenAPI security scheme object (`components.securitySchemes` entry). */
export type SecuritySchemeObject = Record<string, unknown>;

/** What a security dependency contributes to the OpenAPI document. */
export interface OpenAPISecurity {
  /** The scheme's name in `components.securitySchemes`. */
  name: string;
  scheme: SecuritySchemeObject;
  /** OAuth2 scopes the operation requires. */
  scopes: string[];
}
