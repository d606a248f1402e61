// The checklist's stored state: two settings rows of their own (so the Copy click and the
// dismissal never overwrite each other), the widget settings and the team's size.
import type { AccountsRepository } from "../accounts/accounts.repository.js";
import type { SettingsRepository } from "../settings/settings.repository.js";
import { DEFAULT_WIDGET, type createSettingsService } from "../settings/settings.service.js";
import { checklist, type ChecklistItem } from "./onboarding.rules.js";

const SNIPPET_KEY = "onboarding.snippetCopiedAt";
const DISMISSED_KEY = "onboarding.dismissedAt";

export interface OnboardingDeps {
  repo: SettingsRepository;
  settings: Pick<ReturnType<typeof createSettingsService>, "getWidget">;
  accounts: Pick<AccountsRepository, "countAgents">;
}

export function createOnboarding(d: OnboardingDeps) {
  return {
    /** The checklist for this admin, or null once it was dismissed. */
    async forAdmin(admin: { takesChats: boolean | null }): Promise<ChecklistItem[] | null> {
      if (await d.repo.get<string>(DISMISSED_KEY)) return null;
      const [widget, agents, copied] = await Promise.all([d.settings.getWidget(), d.accounts.countAgents(), d.repo.get<string>(SNIPPET_KEY)]);
      return checklist({ widget, defaults: DEFAULT_WIDGET, agents, snippetCopied: !!copied, takesChats: admin.takesChats });
    },
    snippetCopied: () => d.repo.set(SNIPPET_KEY, new Date().toISOString()),
    dismiss: () => d.repo.set(DISMISSED_KEY, new Date().toISOString()),
  };
}
export type Onboarding = ReturnType<typeof createOnboarding>;
