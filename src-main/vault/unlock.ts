/**
 * Unlocking the vault file: finding the data key through the protectors available here, verifying the
 * file, adding wrappings for available protectors that have none yet, and migrating format-1 files.
 *
 * Nothing here writes the vault file: the outcome says whether it must be written (vault.ts does it,
 * after keeping a format-1 file as a backup). A file that can't be unlocked is reported with the reason
 * and the fix, and the credentials it names (unverified, for display only).
 */
import { randomUUID } from 'node:crypto';
import type { VaultProtectorDto } from '../../src-shared/credentials.js';
import type { KeyProtector, ProtectorProbe } from './protector.js';
import { readPrivateFile } from './private-file.js';
import { deriveVaultKeys, openValue, randomVaultKey, sealValue, unwrapDataKey, wrapDataKey, zeroVaultKeys } from './vault-crypto.js';
import { DATA_KEY_SALT, parseVaultText, unverifiedEntries, verifyVaultFile, wrappingAad, type KeyWrapping, type StoredEntry, type VaultFileV2 } from './vault-file.js';
import { openV1, type OpenedV1 } from './vault-file-v1.js';

/** Wrappings of one kind kept at most; beyond it the oldest that didn't open here go (a keychain reset, another machine). */
export const MAX_WRAPPINGS_PER_KIND = 4;

/** One protector during an unlock. */
export interface ProtectorReport {
  readonly protector: KeyProtector;
  readonly probe: ProtectorProbe;
  /** The vault file holds a wrapping by it. */
  wraps: boolean;
  /** Why it is unavailable, or why its wrapping did not open. */
  problem: string | null;
}

/** The data key was found (or made, for a new vault). */
export interface Unlocked {
  readonly kind: 'unlocked';
  readonly dataKey: Buffer;
  readonly wrappings: KeyWrapping[];
  readonly entries: StoredEntry[];
  /** Wrappings were added or the file was migrated: write it now. */
  readonly dirty: boolean;
  /** A format-1 file's bytes, kept as a backup before the first write. */
  readonly backup: Buffer | null;
  readonly protectors: ProtectorReport[];
}

/** The data key could not be had. `entries` are what the file names, unverified. */
export interface Locked {
  readonly kind: 'locked';
  readonly reason: string;
  readonly fix: string;
  readonly entries: StoredEntry[];
  readonly protectors: ProtectorReport[];
}

export type UnlockOutcome = Unlocked | Locked;

/** What an unlock needs. */
export interface UnlockOptions {
  file: string;
  /** In preference order. */
  protectors: readonly KeyProtector[];
  now: () => number;
}

/** The last words of every fix: how to try again, and the way out that keeps the old file. */
const RETRY = 'then choose "Try again" in Settings → Credentials or run `berth credentials unlock`';
const RESET = 'If the key is lost for good: `berth credentials reset --yes` (or "Reset vault" in Settings) starts an empty vault and keeps the old file as a backup.';

/** Opens the vault file with the protectors available here. Never writes the vault file. */
export async function unlockVault(options: UnlockOptions): Promise<UnlockOutcome> {
  const { file } = options;
  const reports: ProtectorReport[] = [];
  for (const protector of options.protectors) {
    const probe = await protector.probe();
    reports.push({ protector, probe, wraps: false, problem: probe.available ? null : probe.reason });
  }
  const locked = (reason: string, fix: string, entries: StoredEntry[] = []): Locked => ({ kind: 'locked', reason, fix, entries, protectors: reports });

  const read = await readPrivateFile(file, { tighten: true });
  if (!read.ok) return locked(read.error.message, `Make ${file} a regular file that belongs to you with mode 0600, ${RETRY}.`);
  if (read.value === null) {
    const dataKey = randomVaultKey();
    const wrappings = await addWrappings(dataKey, [], reports.filter((r) => r.probe.available), options.now);
    if (wrappings.length === 0) {
      dataKey.fill(0);
      return locked(`no key protector can keep the vault key here: ${problems(reports)}`, `Make one available (install secret-tool, or let Berth write ${file}'s folder), ${RETRY}.`);
    }
    return { kind: 'unlocked', dataKey, wrappings, entries: [], dirty: false, backup: null, protectors: reports };
  }

  const text = read.value.toString('utf8');
  const parsed = parseVaultText(text, file);
  if (!parsed.ok) return locked(parsed.error.message, `Restore ${file} from a backup, ${RETRY}. ${RESET}`, unverifiedEntries(text));
  if (parsed.value.version === 1) return migrate(options, parsed.value.json, read.value, reports, locked, unverifiedEntries(text));
  return openV2(options, parsed.value.data, reports, locked, unverifiedEntries(text));
}

type LockedFn = (reason: string, fix: string, entries?: StoredEntry[]) => Locked;

async function openV2(options: UnlockOptions, data: VaultFileV2, reports: ProtectorReport[], locked: LockedFn, shown: StoredEntry[]): Promise<UnlockOutcome> {
  const { file } = options;
  let dataKey: Buffer | null = null;
  let entries: StoredEntry[] = [];
  const failed = new Set<KeyWrapping>();
  const opened = new Set<ProtectorReport>();
  for (const report of reports) {
    const records = data.keys.filter((k) => k.protector === report.protector.kind);
    report.wraps = records.length > 0;
    if (!report.probe.available) continue;
    for (const record of records) {
      const kek = await report.protector.kek(record.params);
      if (!kek.ok) {
        report.problem = kek.error.message;
        failed.add(record);
        continue;
      }
      const key = unwrapDataKey(kek.value, wrappingAad(record.protector, record.params), record.wrapped);
      kek.value.fill(0);
      if (key === null || (dataKey !== null && !key.equals(dataKey))) {
        report.problem = `${report.protector.description} does not unwrap the vault key (its key was replaced, or belongs to another vault)`;
        key?.fill(0);
        failed.add(record);
        continue;
      }
      if (dataKey === null) {
        const keys = deriveVaultKeys(key, DATA_KEY_SALT);
        const verified = verifyVaultFile(keys, data, file);
        zeroVaultKeys(keys);
        if (!verified.ok) {
          key.fill(0);
          return locked(verified.error.message, `Restore ${file} from a backup, ${RETRY}. ${RESET}`, shown);
        }
        dataKey = key;
        entries = verified.value;
      } else {
        key.fill(0);
      }
      report.problem = null;
      opened.add(report);
      break;
    }
  }
  if (dataKey === null) {
    // Make what this mode would wrap with (a new key file) so the app that can open the vault adds a copy for it.
    for (const report of reports) {
      if (!report.probe.available || report.wraps) continue;
      const prepared = await report.protector.newKek();
      if (prepared.ok) prepared.value.kek.fill(0);
    }
    return locked(lockReason(data, reports), `${unlockHints(reports)}, ${RETRY}. ${RESET}`, shown);
  }
  const missing = reports.filter((r) => r.probe.available && !opened.has(r));
  const wrappings = await addWrappings(dataKey, data.keys, missing, options.now, failed);
  return { kind: 'unlocked', dataKey, wrappings, entries, dirty: wrappings !== data.keys, backup: null, protectors: reports };
}

/** A format-1 file: the key it was written with, from any protector's old place, opens it; the values get a new data key. */
async function migrate(options: UnlockOptions, json: unknown, bytes: Buffer, reports: ProtectorReport[], locked: LockedFn, shown: StoredEntry[]): Promise<UnlockOutcome> {
  const { file } = options;
  let opened: OpenedV1 | null = null;
  for (const report of reports) {
    if (!report.probe.available) continue;
    const legacy = await report.protector.legacyKey();
    if (!legacy.ok) {
      report.problem = legacy.error.message;
      continue;
    }
    if (legacy.value === null) continue;
    const attempt = openV1(json, legacy.value, file);
    legacy.value.fill(0);
    if (attempt === 'wrong-key') {
      report.problem = `${report.protector.description} holds a key that does not open this vault`;
      continue;
    }
    if (!attempt.ok) return locked(attempt.error.message, `Restore ${file} from a backup, ${RETRY}. ${RESET}`, shown);
    opened = attempt.value;
    break;
  }
  if (opened === null) {
    return locked(
      `the vault file ${file} is from an earlier Berth (format 1), and the key it was written with is not available here (${problems(reports) || 'no protector holds it'})`,
      `Open it once where it was last used (the desktop app, or \`berth serve\` with the same secret service or key file): Berth then upgrades it so that both modes open it; ${RETRY}. ${RESET}`,
      shown,
    );
  }
  const dataKey = randomVaultKey();
  const keys = deriveVaultKeys(dataKey, DATA_KEY_SALT);
  const entries = opened.entries.map((e) => {
    if (e.sealed === null) return e;
    const value = openValue(opened.keys, e.name, e.sealed);
    // A value that was already damaged stays unreadable (reported when it is used).
    return value === null ? e : { ...e, sealed: sealValue(keys, e.name, value) };
  });
  zeroVaultKeys(keys);
  zeroVaultKeys(opened.keys);
  const wrappings = await addWrappings(dataKey, [], reports.filter((r) => r.probe.available), options.now);
  if (wrappings.length === 0) {
    dataKey.fill(0);
    return locked(`no key protector can keep the upgraded vault's key here: ${problems(reports)}`, `${unlockHints(reports)}, ${RETRY}.`, shown);
  }
  for (const r of reports) r.wraps = wrappings.some((w) => w.protector === r.protector.kind);
  return { kind: 'unlocked', dataKey, wrappings, entries, dirty: true, backup: bytes, protectors: reports };
}

/**
 * `existing` plus a new wrapping of `dataKey` by each of `reports` (available protectors without a working
 * one). Returns `existing` itself when nothing was added. Records that failed here are dropped beyond
 * `MAX_WRAPPINGS_PER_KIND`, oldest first.
 */
async function addWrappings(dataKey: Buffer, existing: readonly KeyWrapping[], reports: readonly ProtectorReport[], now: () => number, failed = new Set<KeyWrapping>()): Promise<KeyWrapping[]> {
  let wrappings = existing as KeyWrapping[];
  for (const report of reports) {
    const made = await report.protector.newKek();
    if (!made.ok) {
      report.problem = `cannot add a copy of the vault key: ${made.error.message}`;
      continue;
    }
    const { kek, params } = made.value;
    const kind = report.protector.kind;
    const record: KeyWrapping = { protector: kind, params, wrapped: wrapDataKey(kek, wrappingAad(kind, params), dataKey), createdAt: now() };
    kek.fill(0);
    const stale = wrappings.filter((w) => w.protector === kind && failed.has(w)).sort((a, b) => a.createdAt - b.createdAt);
    const excess = wrappings.filter((w) => w.protector === kind).length + 1 - MAX_WRAPPINGS_PER_KIND;
    const drop = new Set(stale.slice(0, Math.max(0, excess)));
    wrappings = [...wrappings.filter((w) => !drop.has(w)), record];
    report.wraps = true;
    report.problem = null;
  }
  return wrappings;
}

/** Why a format-2 vault stayed locked, naming each protector that wraps its key. */
function lockReason(data: VaultFileV2, reports: readonly ProtectorReport[]): string {
  if (data.keys.length === 0) return 'the vault file records no wrapped key';
  const wrapping = reports.filter((r) => r.wraps).map((r) => `${r.protector.description}: ${r.problem ?? 'not tried'}`);
  return `no key protector available here can unwrap the vault key. It is wrapped by ${wrapping.join('; ')}`;
}

/** What to do, from each protector that wraps the key. */
function unlockHints(reports: readonly ProtectorReport[]): string {
  const hints = reports.filter((r) => r.wraps).map((r) => r.protector.unlockHint);
  if (hints.length === 0) return 'Make a key protector available';
  const text = hints.join('; or ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Every protector's problem, for a reason. */
function problems(reports: readonly ProtectorReport[]): string {
  return reports
    .filter((r) => r.problem !== null)
    .map((r) => `${r.protector.description}: ${r.problem}`)
    .join('; ');
}

/** The protectors as clients see them. */
export function protectorDtos(reports: readonly ProtectorReport[]): VaultProtectorDto[] {
  return reports.map((r) => ({ kind: r.protector.kind, description: r.protector.description, wraps: r.wraps, available: r.probe.available, problem: r.problem }));
}

/** A name for a backup of `file` that nothing else uses. */
export function backupName(file: string, label: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return `${file}.${label}-${stamp}-${randomUUID().slice(0, 8)}.bak`;
}
