/**
 * Authentication as NHS England's API platform (API-M) does it for BaRS: POST /oauth2/token with
 * a client assertion signed RS512 (kid looked up in the registered JWKS, iss = sub, aud the
 * token endpoint URL, a jti never seen before, exp at most 5 minutes ahead) returns a short-lived
 * bearer token; API calls need that token. The assertion checks are the toolkit's own
 * (BARS-HTTP-15…18 in src/bars/http); this adds the replay check and the tokens.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import type { RequestValidation } from '../bars/http/validate-request.js';
import type { IssueType } from '../model/issue.js';
import type { ServeStore } from './store.js';

interface IssuedToken {
  kid?: string;
  clientId?: string;
  expires: number;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  kid?: string;
  error?: string;
}

const isError = (i: { severity: string }): boolean => i.severity === 'error' || i.severity === 'fatal';

export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    readonly jwks: JSONWebKeySet,
    private readonly store: ServeStore,
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
  ) {}

  /** Answer a token request already checked by validateRequest (with the JWKS). */
  async tokenRequest(v: RequestValidation, body: string): Promise<TokenAnswer> {
    const checked = v.requests[0];
    const errors = [...v.issues, ...(checked?.issues ?? [])].filter(isError);
    if (errors.length) {
      // a key or signature problem is the client's identity failing; anything else a malformed request
      const identity = errors.some((i) => i.ruleId === 'BARS-HTTP-17');
      const error = identity ? 'invalid_client' : 'invalid_request';
      return { status: identity ? 401 : 400, error, body: { error, error_description: errors.map((i) => i.message).join(' | ') } };
    }
    const assertion = new URLSearchParams(body.trim()).get('client_assertion')!.trim();
    const header = decodeProtectedHeader(assertion);
    const claims = decodeJwt(assertion);
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    if (!this.store.useJti(String(claims.jti), Number(claims.exp), this.now())) {
      const error = 'invalid_request';
      return { status: 400, error: `${error} jti replayed`, kid, body: { error, error_description: `The client assertion's jti "${String(claims.jti)}" has been used before: make a new assertion, with a new jti, for every token request` } };
    }
    const token = randomBytes(24).toString('base64url');
    const issuedAt = this.now().getTime();
    this.tokens.set(token, { kid, clientId: typeof claims.iss === 'string' ? claims.iss : undefined, expires: issuedAt + this.ttlSeconds * 1000 });
    return { status: 200, kid, body: { access_token: token, expires_in: String(this.ttlSeconds), token_type: 'Bearer', issued_at: String(issuedAt) } };
  }

  /** Is an Authorization header a live token this server issued? */
  check(authorization: string | undefined): { ok: true; kid?: string } | { ok: false; issue: IssueType; diagnostics: string } {
    if (!authorization) return { ok: false, issue: 'login', diagnostics: 'Authorization header is missing: get an access token from POST /oauth2/token with your signed client assertion and send "Authorization: Bearer <token>"' };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) return { ok: false, issue: 'login', diagnostics: 'Authorization is not "Bearer <access token>"' };
    const t = this.tokens.get(m[1]!);
    if (!t) return { ok: false, issue: 'login', diagnostics: 'The access token is not one this server issued (tokens do not survive a restart): get a new one from POST /oauth2/token' };
    if (t.expires <= this.now().getTime()) {
      this.tokens.delete(m[1]!);
      return { ok: false, issue: 'expired', diagnostics: `The access token expired at ${new Date(t.expires).toISOString()}: get a new one from POST /oauth2/token` };
    }
    return { ok: true, kid: t.kid };
  }
}
