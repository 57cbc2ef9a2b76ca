/**
 * The benchmark's advice for one backend, for the New session dialog beside the backend picker ("on this
 * machine Docker warm start is 84 ms with a pool of 2; cold 410 ms; …"). `bench.advice` is read once
 * when the dialog opens. Before any run: a quiet "Benchmark this machine" link to the Dashboard.
 */
import { useEffect, useState } from 'react';
import type { BenchAdviceDto } from '../../../src-shared/bench.js';
import type { BackendId } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';
import { adviceSentence } from './bench-format.js';
import './bench.css';

/** Advice per backend from the latest run; null until `bench.advice` answered (or when it failed). */
export function useBenchAdvice(): BenchAdviceDto[] | null {
  const { connection } = useServices();
  const [advice, setAdvice] = useState<BenchAdviceDto[] | null>(null);
  useEffect(() => {
    let current = true;
    void connection.request('bench.advice', {}).then((r) => {
      if (current && r.ok) setAdvice(r.value);
    });
    return () => {
      current = false;
    };
  }, [connection]);
  return advice;
}

export function BackendAdvice({ backend }: { backend: BackendId | '' }) {
  const { store } = useServices();
  const advice = useBenchAdvice();
  if (advice === null || backend === '') return null;
  const line = advice.find((a) => a.backend === backend);
  if (line) {
    return (
      <p className="field-hint bench-backend-advice" data-testid="backend-advice" data-backend={backend} title="From the latest benchmark (Dashboard → Benchmark this machine)">
        <span className="bench-advice-mark" aria-hidden="true">
          ◔
        </span>{' '}
        {adviceSentence(line.text)}
      </p>
    );
  }
  if (advice.length > 0) return null;
  const open = () => {
    const state = store.getState();
    state.setBenchRevealRequested(true);
    state.setView('dashboard');
    state.setCreateDialogOpen(false);
  };
  return (
    <p className="field-hint" data-testid="backend-advice-none">
      <button type="button" className="link-button bench-advice-link" data-testid="bench-advice-link" onClick={open}>
        Benchmark this machine
      </button>{' '}
      to see how fast each backend starts here.
    </p>
  );
}
