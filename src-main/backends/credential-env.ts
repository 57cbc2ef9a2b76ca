/**
 * Environment variables that carry credentials by convention. A local session's agent inherits the
 * orchestrator's environment minus these (and minus any variable a vault entry reads its value from),
 * so a key exported in the user's shell never reaches an agent: the agent gets stand-ins instead.
 * Berth's own variables go too (see BERTH_INTERNAL_PREFIX).
 */
export const CREDENTIAL_ENV_VARS: readonly string[] = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'OPENAI_API_KEY',
  'AZURE_OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'MISTRAL_API_KEY',
  'GROQ_API_KEY',
  'OPENROUTER_API_KEY',
  'DEEPSEEK_API_KEY',
  'XAI_API_KEY',
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'NPM_TOKEN',
  'NODE_AUTH_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];

/**
 * Prefix of the orchestrator's own variables (BERTH_HOME, BERTH_PORT, BERTH_SQLITE_NATIVE_BINDING,
 * BERTH_MODE…): they point at Berth's data directory (database, vault, API token) and must not steer an
 * agent there. The variables Berth gives a session on purpose (BERTH_SESSION_ID, the proxy's) are added
 * after this filter.
 */
export const BERTH_INTERNAL_PREFIX = 'BERTH_';

/**
 * `base` without credential variables, without Berth's own variables and without `extra` (e.g. the
 * vault's env-source variables).
 */
export function withoutCredentials(base: NodeJS.ProcessEnv, extra: readonly string[] = []): Record<string, string> {
  const drop = new Set([...CREDENTIAL_ENV_VARS, ...extra]);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !drop.has(k) && !k.toUpperCase().startsWith(BERTH_INTERNAL_PREFIX)) env[k] = v;
  }
  return env;
}
