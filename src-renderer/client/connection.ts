/**
 * The renderer's connection to the orchestrator: one live ProtocolClient at a time, reconnected with
 * backoff whenever the transport closes.
 *
 * Consumers never keep a client across reconnects: they subscribe to `onDidConnect` and re-attach
 * (terminals) or reload (session list) on each new client.
 */
import { ProtocolClient } from '../../src-shared/client.js';
import type { MethodName, MethodParams, MethodResult } from '../../src-shared/contract.js';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../../src-shared/lifecycle.js';
import { err, type Result } from '../../src-shared/result.js';
import { TransportError, type TransportFactory } from './transports.js';

/** Where the connection stands, for the banner (`unauthorized`: the login is no longer accepted). */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

/** First retry delay after a failed or lost connection. */
export const RECONNECT_INITIAL_DELAY_MS = 250;
/** Longest wait between retries. */
export const RECONNECT_MAX_DELAY_MS = 5_000;
/** Each failed attempt multiplies the delay by this much. */
const RECONNECT_BACKOFF_FACTOR = 2;

/** Owns the current ProtocolClient and reconnects when it closes. */
export class Connection implements Disposable {
  private readonly store = new DisposableStore('connection');
  private readonly onDidConnectEmitter = this.store.add(new Emitter<ProtocolClient>());
  private readonly onDidChangeStatusEmitter = this.store.add(new Emitter<ConnectionStatus>());
  private current: ProtocolClient | null = null;
  private currentStatus: ConnectionStatus = 'connecting';
  private delayMs = RECONNECT_INITIAL_DELAY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private disposed = false;

  /** Fires with each new client, after the initial connect and after every reconnect. */
  readonly onDidConnect = this.onDidConnectEmitter.event;
  readonly onDidChangeStatus = this.onDidChangeStatusEmitter.event;

  constructor(
    private readonly openTransport: TransportFactory,
    /** True once this client holds no credential any more (the browser logged out): a lost connection then says so at once. */
    private readonly loggedOut: () => boolean = () => false,
  ) {
    this.store.add(
      toDisposable(() => {
        clearTimeout(this.retryTimer);
        this.current?.dispose();
        this.current = null;
      }),
    );
  }

  /** The live client, or null while (re)connecting. */
  get client(): ProtocolClient | null {
    return this.current;
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Starts connecting; idempotent. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    void this.connect();
  }

  /** Calls a method on the live client; while disconnected the call fails as a value. */
  request<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>> {
    if (!this.current) return Promise.resolve(err('internal', 'not connected to the orchestrator'));
    return this.current.request(method, params);
  }

  /**
   * Runs `fn` with the live client now (if any) and with every future client; the disposable returned
   * by each call is disposed when that client closes or when the subscription is disposed.
   */
  withClient(fn: (client: ProtocolClient) => Disposable | void): Disposable {
    const subscription = new DisposableStore('connection.withClient');
    let perClient: Disposable | undefined;
    const run = (client: ProtocolClient): void => {
      perClient?.dispose();
      perClient = fn(client) ?? undefined;
    };
    if (this.current) run(this.current);
    subscription.add(this.onDidConnect(run));
    subscription.add(
      this.onDidChangeStatus((status) => {
        if (status !== 'connected') {
          perClient?.dispose();
          perClient = undefined;
        }
      }),
    );
    subscription.add(toDisposable(() => perClient?.dispose()));
    return subscription;
  }

  dispose(): void {
    this.disposed = true;
    this.store.dispose();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.onDidChangeStatusEmitter.fire(status);
  }

  private async connect(): Promise<void> {
    let client: ProtocolClient;
    try {
      client = new ProtocolClient(await this.openTransport());
    } catch (error) {
      const refused = error instanceof TransportError && error.kind === 'unauthorized';
      this.scheduleRetry(refused ? 'unauthorized' : 'reconnecting');
      return;
    }
    if (this.disposed) {
      client.dispose();
      return;
    }
    this.delayMs = RECONNECT_INITIAL_DELAY_MS;
    this.current = client;
    client.onDidClose(() => {
      if (this.current !== client) return;
      this.current = null;
      this.scheduleRetry(this.loggedOut() ? 'unauthorized' : 'reconnecting');
    });
    this.setStatus('connected');
    this.onDidConnectEmitter.fire(client);
  }

  private scheduleRetry(status: ConnectionStatus = 'reconnecting'): void {
    if (this.disposed) return;
    this.setStatus(status);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.delayMs);
    this.delayMs = Math.min(this.delayMs * RECONNECT_BACKOFF_FACTOR, RECONNECT_MAX_DELAY_MS);
  }
}
