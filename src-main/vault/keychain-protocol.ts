/**
 * The messages between the orchestrator and the desktop app's main process about the OS keychain.
 *
 * Electron safeStorage only works in main, so the orchestrator (a utility process) asks main to seal or
 * unseal a key-encryption key over the utility process's own channel (`process.parentPort` ⇄
 * `UtilityProcess.postMessage`): keys travel in memory on that channel, never in env, argv or a file.
 * The orchestrator asks, main answers each request by id; main keeps no state and makes no decisions
 * beyond its keychain policy (shell/keychain.ts). This module has no Electron import: both sides use it.
 */
import { z } from 'zod';
import { ErrorDto, err, type Result } from '../../src-shared/result.js';

/** `type` of a request (orchestrator → main). */
export const KEYCHAIN_REQUEST = 'berth.keychain';
/** `type` of a reply (main → orchestrator). */
export const KEYCHAIN_REPLY = 'berth.keychain.reply';
/** Longest secret main seals: a base64 key is 44 characters. */
const MAX_SECRET_CHARS = 256;
/** Longest sealed blob main unseals (safeStorage adds a few dozen bytes to the secret). */
const MAX_SEALED_CHARS = 4096;

/** What the orchestrator can ask: the keychain's state, seal or unseal a secret, the format-1 vault key. */
export const KeychainOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('status') }),
  z.object({ op: z.literal('seal'), secret: z.string().min(1).max(MAX_SECRET_CHARS) }),
  z.object({ op: z.literal('unseal'), sealed: z.base64().min(1).max(MAX_SEALED_CHARS) }),
  z.object({ op: z.literal('legacy-key') }),
]);
export type KeychainOp = z.infer<typeof KeychainOp>;

/** A request on the wire. */
export const KeychainRequest = z.intersection(z.object({ type: z.literal(KEYCHAIN_REQUEST), id: z.number().int().nonnegative() }), KeychainOp);
export type KeychainRequest = z.infer<typeof KeychainRequest>;

/**
 * An answer. `status`: `description` (and `warning` when the protection is weak); `seal`: `sealed`
 * (base64); `unseal`: `secret`; `legacy-key`: `secret`, null when there is no format-1 key.
 */
export const KeychainValue = z.object({
  description: z.string().optional(),
  warning: z.string().nullable().optional(),
  sealed: z.base64().optional(),
  secret: z.string().nullable().optional(),
});
export type KeychainValue = z.infer<typeof KeychainValue>;

/** A reply on the wire. */
export const KeychainReply = z.discriminatedUnion('ok', [
  z.object({ type: z.literal(KEYCHAIN_REPLY), id: z.number().int(), ok: z.literal(true), value: KeychainValue }),
  z.object({ type: z.literal(KEYCHAIN_REPLY), id: z.number().int(), ok: z.literal(false), error: ErrorDto }),
]);
export type KeychainReply = z.infer<typeof KeychainReply>;

/** The orchestrator's view of the desktop keychain. */
export interface DesktopKeychain {
  request(op: KeychainOp): Promise<Result<KeychainValue>>;
}

/** The keychain of a mode without one (`berth serve`): every request says why not. */
export const NO_DESKTOP_KEYCHAIN: DesktopKeychain = {
  request: async () => err('backend_unavailable', 'only the Berth desktop app can use the desktop keychain (Electron safeStorage)'),
};

/** The orchestrator's end of the channel: send a message, and listen to every message from main. */
export interface KeychainChannel {
  postMessage(message: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
}

/** How long the orchestrator waits for main to answer; the OS may first ask the user to allow keychain access. */
export const KEYCHAIN_TIMEOUT_MS = 30_000;

/** A `DesktopKeychain` that asks main over `channel`. */
export function channelKeychain(channel: KeychainChannel, timeoutMs = KEYCHAIN_TIMEOUT_MS): DesktopKeychain {
  let nextId = 0;
  const pending = new Map<number, (reply: Result<KeychainValue>) => void>();
  channel.onMessage((data) => {
    const reply = KeychainReply.safeParse(data);
    if (!reply.success) return;
    const settle = pending.get(reply.data.id);
    if (!settle) return;
    pending.delete(reply.data.id);
    settle(reply.data.ok ? { ok: true, value: reply.data.value } : { ok: false, error: reply.data.error });
  });
  return {
    request(op) {
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(err('backend_unavailable', `the desktop app did not answer a keychain request within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        timer.unref();
        pending.set(id, (reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
        channel.postMessage({ type: KEYCHAIN_REQUEST, id, ...op });
      });
    },
  };
}
