/**
 * undici, loaded on the first request that goes upstream. It is the proxy's HTTP client (pooled
 * keep-alive connections, streaming dispatch), and a large module: ~110 files and several MB of memory
 * an orchestrator that proxies nothing (no session has called a provider yet) has no use for.
 */
import type * as Undici from 'undici';

let loading: Promise<typeof Undici> | null = null;

/** The undici module (imported once; later calls share the same promise). */
export function loadUndici(): Promise<typeof Undici> {
  loading ??= import('undici');
  return loading;
}
