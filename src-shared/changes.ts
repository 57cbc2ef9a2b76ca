/**
 * Review and land: a session's changes against its base branch, staging, commits, landing, pushing.
 *
 * The orchestrator runs git in the session's worktree (hooks and fsmonitor off, porcelain v2 / `-z`
 * output parsed) and answers with these shapes; diffs travel as git's own unified diff text, which the
 * renderer draws with a diff library.
 */
import { z } from 'zod';

/** A session named by its id or name (as in the contract's SessionRef). */
const Ref = z.string().min(1);

/** A path inside the worktree, as git prints it (relative, `/`-separated). */
export const RepoPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the worktree');

/** Where a change sits: committed on the session branch since the base, staged, or in the working tree. */
export const ChangeArea = z.enum(['committed', 'staged', 'unstaged']);
export type ChangeArea = z.infer<typeof ChangeArea>;

export const FileStatus = z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type-changed', 'untracked', 'conflicted']);
export type FileStatus = z.infer<typeof FileStatus>;

/** One changed file in one area. */
export const ChangedFileDto = z.object({
  path: z.string(),
  /** The path before a rename or copy; null otherwise. */
  oldPath: z.string().nullable(),
  status: FileStatus,
  /** Lines added and removed; null for a binary file (and for an untracked file too large to count). */
  additions: z.number().int().nullable(),
  deletions: z.number().int().nullable(),
  binary: z.boolean(),
});
export type ChangedFileDto = z.infer<typeof ChangedFileDto>;

/** Whether an action can be taken now, and if not, why (shown on the disabled control). */
export const Availability = z.object({ available: z.boolean(), reason: z.string().nullable() });
export type Availability = z.infer<typeof Availability>;

/** A session's changes: what its branch adds to the base, and what is staged and unstaged in its worktree. */
export const ChangesDto = z.object({
  sessionId: z.string(),
  branch: z.string(),
  baseBranch: z.string(),
  /** Commits on the session branch not in the base, and in the base not in the branch. */
  ahead: z.number().int().nonnegative(),
  behind: z.number().int().nonnegative(),
  /** Files the branch changes against the merge base with the base branch (`git diff base...HEAD`). */
  committed: z.array(ChangedFileDto),
  staged: z.array(ChangedFileDto),
  /** Unstaged changes and untracked files. */
  unstaged: z.array(ChangedFileDto),
  /** Remotes of the repository, for push. */
  remotes: z.array(z.string()),
  /** "Create pull request": needs `gh`, installed and logged in. */
  pullRequest: Availability,
});
export type ChangesDto = z.infer<typeof ChangesDto>;

/** Diff lines returned at most per call; a longer diff comes back cut, with `truncated`. */
export const MAX_DIFF_LINES = 50_000;

/** What a diff covers: one area, or `all`: the whole change against the merge base (committed + staged + unstaged + untracked). */
export const DiffArea = z.enum(['committed', 'staged', 'unstaged', 'all']);
export type DiffArea = z.infer<typeof DiffArea>;

export const DiffParams = z
  .object({
    ref: Ref,
    area: DiffArea,
    /** One file; all files of the area when absent. */
    path: RepoPath.optional(),
    /** Context lines around each change (git's `-U`). */
    context: z.number().int().min(0).max(100).optional(),
    /** Also answer the per-file counts of the same diff (`files`). */
    stat: z.boolean().optional(),
  })
  .strict();
export const DiffDto = z.object({
  /** git's unified diff text (`diff --git` headers, `@@` hunks), ready for a diff renderer. */
  diff: z.string(),
  truncated: z.boolean(),
  /** With `stat`: the files of this diff with their line counts. */
  files: z.array(ChangedFileDto).optional(),
});
export type DiffDto = z.infer<typeof DiffDto>;

/** Stage or unstage whole files. */
export const PathsParams = z.object({ ref: Ref, paths: z.array(RepoPath).min(1).max(10_000) }).strict();

/**
 * Stage (or with `unstage`, unstage) one hunk. The hunk is named by the file and its `@@ … @@` header
 * line as `changes.diff` returned it (area `unstaged` to stage, `staged` to unstage); a diff that has
 * changed since is refused (code `conflict`), so what the user saw is what gets staged.
 */
export const HunkParams = z
  .object({
    ref: Ref,
    path: RepoPath,
    header: z.string().min(1).max(1000),
    unstage: z.boolean().optional(),
    /** The context lines the diff was shown with (hunk headers depend on it); git's default 3 when absent. */
    context: z.number().int().min(0).max(100).optional(),
  })
  .strict();

/**
 * Discards working-tree changes of the named files (restores them from the index, deletes untracked
 * ones). Only the files named are touched: the confirmation the user answered lists exactly these.
 */
export const DiscardParams = PathsParams;

export const CommitParams = z
  .object({
    ref: Ref,
    message: z.string().trim().min(1, 'write a commit message').max(100_000),
    /** Stage every change (tracked and untracked) first, like `git add -A`. */
    all: z.boolean().optional(),
  })
  .strict();
export const CommitDto = z.object({ commit: z.string(), summary: z.string() });
export type CommitDto = z.infer<typeof CommitDto>;

/** How a session branch lands on its base: one squashed commit (default), a merge commit, or rebase then fast-forward. */
export const LandMode = z.enum(['squash', 'merge', 'rebase']);
export type LandMode = z.infer<typeof LandMode>;

export const LandParams = z
  .object({
    ref: Ref,
    mode: LandMode.optional(),
    /** Commit message for squash and merge; defaults to the session name and its prompt. */
    message: z.string().min(1).max(100_000).optional(),
  })
  .strict();
export const LandDto = z.object({
  mode: LandMode,
  baseBranch: z.string(),
  /** The base branch's new head. */
  commit: z.string(),
});
export type LandDto = z.infer<typeof LandDto>;

/** Brings the base branch's new commits into the session branch. */
export const UpdateParams = z.object({ ref: Ref, mode: z.enum(['rebase', 'merge']).optional() }).strict();
export const UpdateDto = z.object({ mode: z.enum(['rebase', 'merge']), head: z.string(), behind: z.number().int().nonnegative() });
export type UpdateDto = z.infer<typeof UpdateDto>;

/**
 * A land or update whose merge conflicts is refused with code `conflict`; the message names every
 * conflicting file, one per line after the first, and the main checkout and the worktree are left as they were.
 */
export const CONFLICT_FILES_HEADER = 'these files conflict:';

export const PushParams = z.object({ ref: Ref, remote: z.string().min(1).max(200).optional() }).strict();
export const PushDto = z.object({ remote: z.string(), branch: z.string() });
export type PushDto = z.infer<typeof PushDto>;

export const PullRequestParams = z
  .object({ ref: Ref, title: z.string().min(1).max(300).optional(), body: z.string().max(100_000).optional() })
  .strict();
export const PullRequestDto = z.object({ url: z.string() });
export type PullRequestDto = z.infer<typeof PullRequestDto>;

/** A worktree or `berth/*` branch left behind by a deleted session. */
export const PruneItemDto = z.object({
  /** Stable id to name it in `prune.run`. */
  id: z.string(),
  kind: z.enum(['worktree', 'branch']),
  repoPath: z.string(),
  /** The worktree folder (kind worktree) or null. */
  path: z.string().nullable(),
  branch: z.string().nullable(),
  /** Disk the worktree uses; 0 for a branch. */
  bytes: z.number().int().nonnegative(),
  /** Uncommitted files in the worktree, or commits on the branch not merged anywhere, in words. */
  unsaved: z.array(z.string()),
});
export type PruneItemDto = z.infer<typeof PruneItemDto>;

export const PruneRunParams = z
  .object({
    ids: z.array(z.string().min(1)).min(1).max(10_000),
    /** Items with unsaved work are removed only when named here too: the user confirmed losing it. */
    confirmUnsaved: z.array(z.string()).optional(),
  })
  .strict();
export const PruneRunDto = z.object({ removed: z.array(z.string()), kept: z.array(z.object({ id: z.string(), reason: z.string() })) });
export type PruneRunDto = z.infer<typeof PruneRunDto>;
