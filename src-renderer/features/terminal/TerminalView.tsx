/**
 * Hosts one xterm for one session; the TerminalController does the work outside React.
 */
import { useEffect, useRef, useState } from 'react';
import { isAgentState, type SessionDto } from '../../../src-shared/dto.js';
import { useAppState, useServices } from '../../app/services.js';
import { TerminalController, type TerminalStatus } from './terminal-controller.js';


interface TerminalViewProps {
  session: SessionDto;
  focused: boolean;
}

function exitLine(exitCode: number | null, reason: string | null): string {
  const code = exitCode === null ? '' : ` with code ${exitCode}`;
  return `[process exited${code}${reason ? ` — ${reason}` : ''}]`;
}

/** The line shown over the terminal, if any: how the process ended, or a terminal error. */
function overlayFor(session: SessionDto, status: TerminalStatus): { kind: string; text: string } | null {
  if (session.state === 'exited' || session.state === 'failed') {
    return { kind: session.state, text: exitLine(session.exitCode, session.reason) };
  }
  if (session.state === 'unknown') {
    return { kind: 'unknown', text: `[${session.reason ?? 'the engine is unreachable'} — the session will be adopted when it returns]` };
  }
  if (status.kind === 'exited') return { kind: 'exited', text: exitLine(status.exitCode, status.reason) };
  if (status.kind === 'error' && session.state !== 'creating') return { kind: 'error', text: `[${status.message}]` };
  if (session.state === 'creating') return { kind: 'creating', text: 'Starting…' };
  return null;
}

export function TerminalView({ session, focused }: TerminalViewProps) {
  const { connection, links } = useServices();
  const renderer = useAppState((s) => s.terminalRenderer);
  const hostRef = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<TerminalController | null>(null);
  const [status, setStatus] = useState<TerminalStatus>({ kind: 'attaching' });
  const sessionId = session.id;
  const attachable = isAgentState(session.state);
  const attachableRef = useRef(attachable);
  attachableRef.current = attachable;

  useEffect(() => {
    const container = hostRef.current;
    if (!container) return;
    const controller = new TerminalController({
      container,
      connection,
      sessionId,
      attachable: attachableRef.current,
      renderer,
      links,
      onStatus: setStatus,
    });
    controllerRef.current = controller;
    return () => {
      controllerRef.current = null;
      controller.dispose();
    };
  }, [connection, sessionId, renderer, links]);

  // Started or restarted: attach (a fresh snapshot follows). Ended: detach, keep the last screen.
  useEffect(() => {
    controllerRef.current?.setAttachable(attachable);
  }, [attachable]);

  useEffect(() => {
    if (focused) controllerRef.current?.focus();
  }, [focused, sessionId]);

  const overlay = overlayFor(session, status);
  return (
    <div className="terminal-frame">
      <div className="terminal-host" ref={hostRef} data-testid="terminal" data-status={status.kind} />
      {overlay ? (
        <div className={`terminal-overlay overlay-${overlay.kind}`} data-testid="terminal-overlay" role="status">
          {overlay.text}
        </div>
      ) : null}
    </div>
  );
}
