/**
 * Whether a Slack user is among principals (user IDs U…/W…, user group IDs S…). An empty list
 * means everyone. Group membership is asked of Slack; a failure to ask counts as "not a member".
 */
export async function isMember(
  userId: string,
  principals: readonly string[],
  groupMembers: (groupId: string) => Promise<string[]>,
  onError: (groupId: string, error: unknown) => void = () => undefined,
): Promise<boolean> {
  if (principals.length === 0 || principals.includes(userId)) return true;
  for (const group of principals.filter((p) => p.startsWith('S'))) {
    try {
      if ((await groupMembers(group)).includes(userId)) return true;
    } catch (error) {
      onError(group, error);
    }
  }
  return false;
}

const ORDER = ['development', 'staging', 'production'];

/** The stricter of two environments: a production channel never gets development's leniency. */
export function stricterEnvironment(a: string, b: string | null | undefined): string {
  if (!b) return a;
  const rank = (env: string) => (ORDER.includes(env) ? ORDER.indexOf(env) : ORDER.length);
  return rank(b) > rank(a) ? b : a;
}
