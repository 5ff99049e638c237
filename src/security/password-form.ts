import { z } from "zod";
import { depends, type Dependency } from "../deps/dependency.js";

/** The fields of an OAuth2 password request (RFC 6749 §4.3.2), as {@link oauth2PasswordRequestForm} gives them. */
export interface OAuth2PasswordRequest {
  /** `"password"` when sent. */
  grantType: string | undefined;
  username: string;
  password: string;
  /** The `scope` field split on whitespace. */
  scopes: string[];
  clientId: string | undefined;
  clientSecret: string | undefined;
}

const secret = () => z.string().meta({ format: "password" });

function formFields(grantTypeRequired: boolean) {
  const grantType = z.string().regex(/^password$/);
  return {
    grant_type: grantTypeRequired ? grantType : grantType.optional(),
    username: z.string(),
    password: secret(),
    scope: z.string().default(""),
    client_id: z.string().optional(),
    client_secret: secret().optional(),
  };
}

function toRequest(form: { grant_type?: string; username: string; password: string; scope: string; client_id?: string; client_secret?: string }): OAuth2PasswordRequest {
  return {
    grantType: form.grant_type,
    username: form.username,
    password: form.password,
    scopes: form.scope.split(/\s+/).filter((scope) => scope !== ""),
    clientId: form.client_id,
    clientSecret: form.client_secret,
  };
}

/**
 * The form an OAuth2 client posts to the token URL (`username`, `password`, optional
 * `grant_type=password`, `scope`, `client_id`, `client_secret`), as a dependency; urlencoded, as
 * the spec requires. Missing fields are a 422 like any form. FastAPI's `OAuth2PasswordRequestForm`.
 *
 * @example
 * app.post("/token", { deps: { form: oauth2PasswordRequestForm } }, async ({ deps }) => {
 *   const user = await authenticate(deps.form.username, deps.form.password);
 *   if (!user) throw new HTTPException(400, "Incorrect username or password");
 *   return { access_token: issueToken(user, deps.form.scopes), token_type: "bearer" };
 * });
 */
export const oauth2PasswordRequestForm: Dependency<OAuth2PasswordRequest> = depends(
  { form: formFields(false) },
  function OAuth2PasswordRequestForm({ form }) {
    return toRequest(form);
  },
);

/** Like {@link oauth2PasswordRequestForm}, with `grant_type=password` required, as the spec says. @example deps: { form: oauth2PasswordRequestFormStrict } */
export const oauth2PasswordRequestFormStrict: Dependency<OAuth2PasswordRequest> = depends(
  { form: formFields(true) },
  function OAuth2PasswordRequestFormStrict({ form }) {
    return toRequest(form);
  },
);
