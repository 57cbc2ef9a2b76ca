/**
 * Per-session hook tokens: what Berth's hook program presents when it posts an agent's hook event.
 * 256 bits, minted when a session's process starts, revoked when it ends, checked in constant time;
 * a separate registry from the proxy's stand-in keys, so a hook token opens no provider route and a
 * stand-in reports no state.
 */
import { SessionTokens } from '../proxy/tokens.js';

/** Random bytes per hook token (256 bits). */
const HOOK_TOKEN_BYTES = 32;
/** Hook tokens start with this (recognisable in a session's env; never a proxy stand-in). */
export const HOOK_TOKEN_PREFIX = 'berth-hook-';
/** The header the hook program sends its token in. */
export const HOOK_TOKEN_HEADER = 'x-berth-hook-token';
/** The route on the credential proxy's listener that hooks post to. */
export const HOOK_PATH = '/_berth/hook';
/** Session variables: where to post, and the token. */
export const HOOK_URL_ENV = 'BERTH_HOOK_URL';
export const HOOK_TOKEN_ENV = 'BERTH_HOOK_TOKEN';

/** A new, empty hook token registry. */
export function createHookTokens(): SessionTokens {
  return new SessionTokens({ bytes: HOOK_TOKEN_BYTES, prefix: HOOK_TOKEN_PREFIX });
}
