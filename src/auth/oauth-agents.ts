// Where a token becomes an agent, for every surface at once: the agent directory, which knows the
// static agent tokens, extended with the MCP authorization server's access tokens. An access token
// is that agent: the same identity, limits and grants (read at each call, so a grant change
// applies at once); a revoked agent's tokens are refused as a revoked token of that agent, so the
// audit names it; a revoked or expired token is unknown.
import type { AgentDirectory, AgentIdentity, RetiredToken } from '../ports/index.js';

import type { OAuthAccess, OAuthAgent } from './mcp-authorization.js';

/** Agent tokens are `gh_agent_` + random: never looked up as OAuth tokens. */
const staticTokenPrefix = 'gh_agent_';

/** What the wrapper needs from the authorization server and the agents. */
export interface OAuthTokenSource {
  /** Null when OAuth is off or the token is not a live one for /mcp. */
  resolve(token: string): Promise<OAuthAccess | null>;
  /** An agent by id, revoked ones included. */
  agent(id: string): Promise<OAuthAgent | null>;
}

/** How a token authenticated, for the record. */
export type CredentialKind = 'agent_token' | 'oauth';

/**
 * The directory `inner`, also taking OAuth access tokens. `onOAuth` is told each time an OAuth
 * token authenticates (the audit notes the credential kind).
 */
export function withOAuthAccessTokens(
  inner: AgentDirectory,
  oauth: OAuthTokenSource,
  onOAuth?: (agent: AgentIdentity) => void,
): AgentDirectory {
  const oauthCandidate = (token: string) => !token.startsWith(staticTokenPrefix);
  return {
    async authenticate(token) {
      const agent = await inner.authenticate(token);
      if (agent || !oauthCandidate(token)) return agent;
      const access = await oauth.resolve(token);
      if (!access) return null;
      // byId answers active agents only: a revoked agent's token stops here.
      const found = inner.byId ? await inner.byId(access.agentId) : null;
      if (found) onOAuth?.(found);
      return found;
    },
    async retired(token): Promise<RetiredToken | null> {
      if (!oauthCandidate(token)) return inner.retired ? inner.retired(token) : null;
      const access = await oauth.resolve(token);
      if (!access) return inner.retired ? inner.retired(token) : null;
      const agent = await oauth.agent(access.agentId);
      return agent && !agent.active
        ? { agentId: agent.id, agentName: agent.name, why: 'revoked' }
        : null;
    },
    ...(inner.byId ? { byId: (id: string) => inner.byId!(id) } : {}),
    noteUse: (agentId, ip, at) => inner.noteUse(agentId, ip, at),
  };
}

/**
 * Why `token` was refused, when it is not a static agent token: a revoked agent's OAuth token is
 * named as such; anything else is explained as an unknown, expired or revoked OAuth token.
 */
export async function explainOAuthRefusal(
  token: string,
  oauth: OAuthTokenSource,
  accessTokenTtlSeconds: number,
): Promise<string | null> {
  if (token.startsWith(staticTokenPrefix)) return null;
  const access = await oauth.resolve(token);
  if (access) {
    const agent = await oauth.agent(access.agentId);
    return agent && !agent.active
      ? `This OAuth access token acts as the agent ${agent.name}, which an admin revoked, so Gatehouse refuses it. Ask a Gatehouse admin to connect the app again and choose an active agent.`
      : null;
  }
  const minutes = Math.max(1, Math.round(accessTokenTtlSeconds / 60));
  return `This token is neither a current Gatehouse agent token nor a live OAuth access token for this MCP server. An OAuth access token lasts about ${minutes} minute${minutes === 1 ? '' : 's'} (the app then refreshes it) and ends at once when it, its connection or its agent is revoked. Refresh it, or connect the app again: a Gatehouse admin must approve the connection.`;
}

/**
 * The REST proxy's answer to an MCP OAuth access token: refused, because the token is bound to
 * the /mcp resource (RFC 8707); REST takes the agent's own token.
 */
export async function refuseOAuthTokenOnRest(
  token: string,
  oauth: OAuthTokenSource,
  resourceUrl: string,
): Promise<{ readonly message: string } | null> {
  if (token.startsWith(staticTokenPrefix)) return null;
  const access = await oauth.resolve(token);
  if (!access) return null;
  return {
    message: `This is an MCP OAuth access token: it is issued for ${resourceUrl} only and is not accepted by the REST API. Use the agent's own Gatehouse token (X-Api-Key) for /api/v1, or call the same actions as MCP tools.`,
  };
}
