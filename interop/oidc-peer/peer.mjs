// A real OpenID provider on loopback for Laget's tests (npm `oidc-provider`, the certified
// implementation): an ID-porten-like client for persons and relatives (the `pid` claim and an
// `acr` level of assurance) and a HelseID-like client for health personnel (the HPR number
// claim, `private_key_jwt` client authentication). Test data only: fictional people.
//
// Environment:
//   PORT                 port on 127.0.0.1 (default 9410)
//   IDPORTEN_SECRET      the ID-porten-like client's secret
//   HELSEID_JWKS         the HelseID-like client's public keys (a JWKS as JSON)
//   PEER_USERS           optional JSON {login: {claims}} added to the built-in users
//
// Prints one line `oidc-peer ready <issuer>` when it listens.
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 9410);
const issuer = `http://127.0.0.1:${port}`;
const CALLBACK = (id) => `/accounts/oidc/${id}/login/callback/`;
const LAGET_HOSTS = ['http://testserver', 'http://localhost', 'http://127.0.0.1'];
const HPR_CLAIM = 'helseid://claims/hpr/hpr_number';

// Test users: the login name typed in the peer's form picks one. `acr` is the level of
// assurance the login gives (ID-porten: idporten-loa-substantial / -high; low is refused).
const users = {
  // Fictional persons (synthetic national ids, month + 80 is Skatteetaten's test range).
  ...JSON.parse(process.env.PEER_USERS || '{}'),
};

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'peer-1', alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [
    {
      client_id: 'laget-idporten',
      client_secret: process.env.IDPORTEN_SECRET || 'idporten-test-secret',
      redirect_uris: LAGET_HOSTS.map((h) => h + CALLBACK('idporten')),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'openid profile',
    },
    {
      client_id: 'laget-helseid',
      redirect_uris: LAGET_HOSTS.map((h) => h + CALLBACK('helseid')),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      jwks: JSON.parse(process.env.HELSEID_JWKS || '{"keys": []}'),
      scope: 'openid profile helseid://scopes/identity/hpr_number',
    },
  ],
  jwks: { keys: [signingKey] },
  acrValues: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
  scopes: ['openid', 'profile', 'helseid://scopes/identity/hpr_number'],
  claims: {
    openid: ['sub', 'pid'],
    profile: ['name', 'given_name', 'family_name'],
    'helseid://scopes/identity/hpr_number': [HPR_CLAIM],
  },
  // The ID token carries the identity claims, as ID-porten's and HelseID's do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        const { acr, ...claims } = user;
        return { sub: id, ...claims };
      },
    };
  },
  // First-party clients: no consent screen; the grant covers what the client asked for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    grant.addOIDCClaims(['pid', HPR_CLAIM, 'name', 'given_name', 'family_name']);
    await grant.save();
    return grant;
  },
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600,
  },
};

const provider = new Provider(issuer, configuration);

// Laget's test server runs on a port chosen at start: a loopback redirect may differ in port.
const LOOPBACKS = new Set(['localhost', '127.0.0.1']);
const exact = provider.Client.prototype.redirectUriAllowed;
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  if (exact.call(this, value)) return true;
  const parsed = URL.parse(value);
  if (!parsed || parsed.protocol !== 'http:' || !LOOPBACKS.has(parsed.hostname)) return false;
  parsed.port = '';
  return this.redirectUris.some((uri) => URL.parse(uri)?.href === parsed.href);
};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(uid, client) {
  return `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Testinnlogging</title></head>
<body><main><h1>Testinnlogging (${escape(client)})</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Testbruker</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Logg inn</button></form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(req.url.split('?')[0]);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page(details.uid, details.params.client_id));
    }
    const form = await readForm(req);
    const login = form.get('login') || '';
    const user = users[login];
    if (!user) {
      return provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'unknown test user',
      });
    }
    const result = { login: { accountId: login, acr: user.acr, amr: ['pwd'] } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    return res.end(String(err && err.message));
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-peer ready ${issuer}\n`);
});
