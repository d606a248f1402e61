// The admins' first-start checklist, judged from what is stored (never from clicks on
// the checklist itself): each item is done when the install shows it, and links to the
// page where it is done. Pure: the service gathers the state.
export interface OnboardingState {
  /** The widget's greeting and colour as stored, and the stock ones. */
  widget: { greeting: string; color: string };
  defaults: { greeting: string; color: string };
  /** Agents of the install, this admin included. */
  agents: number;
  /** Someone clicked the snippet's Copy button on the Widget page. */
  snippetCopied: boolean;
  /** This admin's agent.takes_chats: null until they chose. */
  takesChats: boolean | null;
}

export interface ChecklistItem {
  key: "widget" | "agents" | "snippet" | "takes-chats";
  label: string;
  href: string;
  done: boolean;
}

export function checklist(s: OnboardingState): ChecklistItem[] {
  const widgetSet = s.widget.greeting !== s.defaults.greeting || s.widget.color.toLowerCase() !== s.defaults.color.toLowerCase();
  return [
    { key: "widget", label: "Set up the widget: your greeting and colour", href: "/admin/widget", done: widgetSet },
    { key: "agents", label: "Invite your agents", href: "/admin/agents#create-agent", done: s.agents > 1 },
    { key: "snippet", label: "Copy the snippet onto your site", href: "/admin/widget#snippet", done: s.snippetCopied },
    {
      key: "takes-chats", label: "Choose whether you answer chats yourself", href: "/admin/agents",
      done: s.takesChats !== null,
    },
  ];
}
