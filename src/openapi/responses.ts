import { STATUS_CODES } from "node:http";
import { ConfigurationError } from "../errors.js";
import type { ResponseSpec } from "../internal/record.js";
import type { CompiledRoute } from "../internal/runtime.js";
import { bodiless } from "../response/responses.js";
import { type Context, convert } from "./convert.js";
import type { JSONSchema, MediaTypeObject, ResponseObject } from "./types.js";

const STATUS_KEY = /^(?:[1-5]\d\d|[1-5]XX|default)$/;

/** FastAPI's `ValidationError`, with the `input` and `ctx` Vial's 422 items carry. */
const VALIDATION_ERROR: JSONSchema = {
  properties: {
    loc: {
      items: { anyOf: [{ type: "string" }, { type: "integer" }] },
      type: "array",
      title: "Location",
    },
    msg: { type: "string", title: "Message" },
    type: { type: "string", title: "Error Type" },
    input: { title: "Input" },
    // FastAPI's `{ type: "object" }`, with what it already means said out loud, so that
    // generated clients type it as a record of values rather than an empty object.
    ctx: { type: "object", additionalProperties: true, title: "Context" },
  },
  type: "object",
  required: ["loc", "msg", "type"],
  title: "ValidationError",
};

const HTTP_VALIDATION_ERROR: JSONSchema = {
  properties: {
    detail: {
      items: { $ref: "#/components/schemas/ValidationError" },
      type: "array",
      title: "Detail",
    },
  },
  type: "object",
  title: "HTTPValidationError",
};

/**
 * The operation's responses: its status with the `response` schema (FastAPI's "Successful
 * Response", `{}` when the route declares none, no content for 204), the extra `responses` of the
 * route and its routers, and 422 when the route has inputs to validate.
 */
export function buildResponses(
  route: CompiledRoute,
  hasInputs: boolean,
  context: Context,
): Record<string, ResponseObject> {
  const options = route.record.options;
  const responses: Record<string, ResponseObject> = {};
  const main: ResponseObject = { description: "Successful Response" };
  if (!bodiless(route.status)) {
    const mediaType = (options.responseClass?.mediaType ?? "application/json").split(";")[0]!;
    const json = mediaType === "application/json" || mediaType.endsWith("+json");
    const schema = options.response
      ? convert(context, options.response, "output", "response").json
      : json
        ? {}
        : { type: "string" };
    main.content = { [mediaType]: { schema } };
  }
  responses[String(route.status)] = main;
  for (const [status, spec] of Object.entries(route.record.responses)) {
    if (!STATUS_KEY.test(status)) {
      throw new ConfigurationError(
        `Route ${route.label}: \`responses\` has the key '${status}', which is not a status. ` +
          `Use a status code (404), a range ("4XX") or "default".`,
      );
    }
    const extra = extraResponse(status, spec, context);
    const base = responses[status];
    responses[status] = base ? merged(base, extra, spec.description) : extra;
  }
  if (hasInputs && !["422", "4XX", "default"].some((status) => status in responses)) {
    context.registry.fixed("ValidationError", VALIDATION_ERROR);
    const schema = context.registry.fixed("HTTPValidationError", HTTP_VALIDATION_ERROR);
    responses["422"] = {
      description: "Validation Error",
      content: { "application/json": { schema } },
    };
  }
  return responses;
}

function extraResponse(status: string, spec: ResponseSpec, context: Context): ResponseObject {
  if (typeof spec !== "object" || spec === null) {
    throw new ConfigurationError(
      `Route ${context.where}: \`responses[${status}]\` must be an object like { description: "Not found", model: Message }.`,
    );
  }
  const content: Record<string, MediaTypeObject> = { ...(spec.content as object) };
  if (spec.model !== undefined) {
    const schema = convert(context, spec.model, "output", `response_${status}`).json;
    content["application/json"] = { ...content["application/json"], schema };
  }
  const description =
    spec.description ??
    STATUS_CODES[Number(status)] ??
    (status === "default" ? "Default Response" : "Additional Response");
  return {
    description,
    ...(Object.keys(content).length > 0 ? { content } : {}),
    ...(spec.headers ? { headers: spec.headers } : {}),
  };
}

/** An extra response for the route's own status adds to it rather than replacing it. */
function merged(
  base: ResponseObject,
  extra: ResponseObject,
  description: string | undefined,
): ResponseObject {
  const content = { ...base.content, ...extra.content };
  return {
    ...base,
    ...extra,
    description: description ?? base.description,
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}
