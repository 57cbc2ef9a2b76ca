/**
 * The backends this orchestrator offers.
 */
import type { BackendDto, BackendId } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { IBackend } from './backend.js';

export class BackendRegistry {
  private readonly backends = new Map<BackendId, IBackend>();

  register(backend: IBackend): void {
    this.backends.set(backend.id, backend);
  }

  get(id: BackendId): Result<IBackend> {
    const backend = this.backends.get(id);
    if (!backend) {
      const known = [...this.backends.keys()].join(', ');
      return err('backend_unavailable', `the ${id} backend is not available in this build (available: ${known})`);
    }
    return ok(backend);
  }

  all(): IBackend[] {
    return [...this.backends.values()];
  }

  async describe(): Promise<BackendDto[]> {
    return Promise.all(
      this.all().map(async (b) => {
        const probe = await b.probe();
        return {
          id: b.id,
          name: b.name,
          description: b.description,
          available: probe.ok,
          reason: probe.ok ? null : probe.error.message,
          capabilities: b.capabilities,
        };
      }),
    );
  }
}
