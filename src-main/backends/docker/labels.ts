/**
 * Labels on everything the Docker backend makes: how the reconciler finds them after a restart, and
 * how cleanup tells Berth's containers and volumes from the user's.
 */
export const LABEL_SESSION = 'berth.session';
export const LABEL_INSTANCE = 'berth.instance';
export const LABEL_KIND = 'berth.kind';
export const LABEL_CACHE = 'berth.cache';
export const LABEL_POOL = 'berth.pool';
/** The host worktree a session container works on (volume mode syncs back to it after a restart). */
export const LABEL_WORKTREE = 'berth.worktree';

/** What a labelled object is. */
export type BerthKind = 'session' | 'pool' | 'cache' | 'workspace';
