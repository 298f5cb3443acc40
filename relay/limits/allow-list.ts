// Who may play when sign-in is on: ALLOWED_EMAILS (exact addresses) and ALLOWED_DOMAINS (the part after @, or
// Google's `hd` for Workspace accounts). Both empty = every verified Google account.
export interface AllowList {
  emails: ReadonlySet<string>;
  domains: ReadonlySet<string>;
}

export function allowListFromEnv(env: Record<string, string | undefined> = process.env): AllowList {
  const list = (raw: string | undefined) =>
    new Set(
      (raw ?? '')
        .split(',')
        .map((entry) => entry.trim().toLowerCase())
        .filter(Boolean),
    );
  return { emails: list(env.ALLOWED_EMAILS), domains: list(env.ALLOWED_DOMAINS) };
}

export function isAllowed(list: AllowList, email: string): boolean {
  if (list.emails.size === 0 && list.domains.size === 0) return true;
  const address = email.toLowerCase();
  if (list.emails.has(address)) return true;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return list.domains.has(domain);
}
