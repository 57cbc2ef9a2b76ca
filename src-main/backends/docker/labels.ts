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

/** On a session network's holder container: the network it holds (to remove both together). */
export const LABEL_NETWORK = 'berth.network';
/** On the egress relay: where it forwards (`host:basePort:connectPort`), to tell a stale relay. */
export const LABEL_RELAY_TARGET = 'berth.relay-target';

/**
 * What a labelled object is: `net` is a contained session's internal network, `netns` the container
 * holding its network namespace (the session's container joins it), `relay` the egress relay.
 */
export type BerthKind = 'session' | 'pool' | 'cache' | 'workspace' | 'net' | 'netns' | 'relay';
