/**
 * Recent repositories and settings.
 */
import { DEFAULT_DOCKER_SETTINGS, SettingsDto, type RecentRepoDto } from '../../src-shared/dto.js';
import { DockerSettings } from '../../src-shared/docker.js';
import { DEFAULT_PROXY_SETTINGS, ProxySettings } from '../../src-shared/proxy-settings.js';
import type { Db } from './database.js';

/** How many recent repositories are kept. */
const RECENT_REPOS_LIMIT = 20;

export class RecentReposRepo {
  private readonly upsertStmt;
  private readonly listStmt;
  private readonly trimStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(
      'INSERT INTO recent_repos (path, name, last_used_at) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET last_used_at = excluded.last_used_at',
    );
    this.listStmt = db.prepare('SELECT path, name, last_used_at FROM recent_repos ORDER BY last_used_at DESC LIMIT ?');
    this.trimStmt = db.prepare(
      'DELETE FROM recent_repos WHERE path NOT IN (SELECT path FROM recent_repos ORDER BY last_used_at DESC LIMIT ?)',
    );
  }

  touch(path: string, name: string, at = Date.now()): void {
    this.upsertStmt.run(path, name, at);
    this.trimStmt.run(RECENT_REPOS_LIMIT);
  }

  list(): RecentRepoDto[] {
    return (this.listStmt.all(RECENT_REPOS_LIMIT) as { path: string; name: string; last_used_at: number }[]).map((r) => ({
      path: r.path,
      name: r.name,
      lastUsedAt: r.last_used_at,
    }));
  }
}

export const DEFAULT_SETTINGS: SettingsDto = {
  defaultAgent: 'shell',
  defaultBackend: 'local',
  onQuit: 'leave-running',
  docker: DEFAULT_DOCKER_SETTINGS,
  proxy: DEFAULT_PROXY_SETTINGS,
  dashboardTargets: {},
};

/** The update `settings.update` accepts: top-level fields, and Docker's field by field. */
export type SettingsPatch = Partial<Omit<SettingsDto, 'docker' | 'proxy'>> & { docker?: Partial<DockerSettings>; proxy?: Partial<ProxySettings> };

/** Settings as one JSON value per key; unknown or invalid stored values fall back to defaults. */
export class SettingsRepo {
  private readonly getStmt;
  private readonly setStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare('SELECT key, value FROM settings');
    this.setStmt = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  /**
   * The settings, read once and kept until the next update: they are read on hot paths (every proxied
   * request's egress policy, every create). Frozen, so no caller can change the shared copy.
   */
  get(): SettingsDto {
    return (this.cached ??= deepFreeze(this.read()));
  }
  private cached: SettingsDto | null = null;

  private read(): SettingsDto {
    const raw: Record<string, unknown> = {};
    for (const row of this.getStmt.all() as { key: string; value: string }[]) {
      try {
        raw[row.key] = JSON.parse(row.value);
      } catch {
        // A corrupt value is ignored; the default applies.
      }
    }
    const merged: SettingsDto = { ...DEFAULT_SETTINGS, docker: { ...DEFAULT_DOCKER_SETTINGS }, proxy: { ...DEFAULT_PROXY_SETTINGS } };
    // An absent value keeps its default without a parse: a failed zod parse builds an error object, and a
    // new data directory's first start parsed every field that way.
    for (const key of ['defaultAgent', 'defaultBackend', 'onQuit', 'dashboardTargets'] as const) {
      if (raw[key] === undefined) continue;
      const parsed = SettingsDto.shape[key].safeParse(raw[key]);
      if (parsed.success) (merged as Record<string, unknown>)[key] = parsed.data;
    }
    // Docker settings field by field, so one bad value doesn't reset the rest.
    const docker = typeof raw.docker === 'object' && raw.docker !== null ? (raw.docker as Record<string, unknown>) : {};
    for (const key of Object.keys(DEFAULT_DOCKER_SETTINGS) as (keyof DockerSettings)[]) {
      if (docker[key] === undefined) continue;
      const parsed = DockerSettings.shape[key].safeParse(docker[key]);
      if (parsed.success) (merged.docker as Record<string, unknown>)[key] = parsed.data;
    }
    const proxy = typeof raw.proxy === 'object' && raw.proxy !== null ? (raw.proxy as Record<string, unknown>) : {};
    for (const key of Object.keys(DEFAULT_PROXY_SETTINGS) as (keyof ProxySettings)[]) {
      if (proxy[key] === undefined) continue;
      const parsed = ProxySettings.shape[key].safeParse(proxy[key]);
      if (parsed.success) (merged.proxy as Record<string, unknown>)[key] = parsed.data;
    }
    return merged;
  }

  update(patch: SettingsPatch): SettingsDto {
    const current = this.get();
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        const next =
          key === 'docker'
            ? { ...current.docker, ...(value as Partial<DockerSettings>) }
            : key === 'proxy'
              ? { ...current.proxy, ...(value as Partial<ProxySettings>) }
              : value;
        this.setStmt.run(key, JSON.stringify(next));
      }
    })();
    this.cached = null;
    return this.get();
  }
}

/** Freezes an object and everything in it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
