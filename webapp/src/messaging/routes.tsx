import { lazy } from "react";
import { Route } from "react-router";
import { can, FRONT_OFFICE, MANAGERS, type Role } from "../auth/AuthContext";

const TemplatesPage = lazy(() => import("./TemplatesPage"));
const MessagingSettingsPage = lazy(() => import("./MessagingSettingsPage"));
const MessageLogPage = lazy(() => import("./MessageLogPage"));
const WaitlistPage = lazy(() => import("./WaitlistPage"));

/** The messaging screens a role may open, as routes (the API's permissions:
 * the log, the waitlist and consents for the front office; templates, the
 * reminder schedule and the waitlist settings for managers and owners). */
export function messagingRoutes(role: Role) {
  return [
    ...(can(role, FRONT_OFFICE)
      ? [<Route key="messages" path="/messages" element={<MessageLogPage />} />, <Route key="waitlist" path="/waitlist" element={<WaitlistPage />} />]
      : []),
    ...(can(role, MANAGERS)
      ? [
          <Route key="templates" path="/settings/templates" element={<TemplatesPage />} />,
          <Route key="messaging" path="/settings/messaging" element={<MessagingSettingsPage />} />,
        ]
      : []),
  ];
}

/** The nav links to them: [front-office links, manager links]. */
export function messagingLinks(role: Role): { desk: [string, string][]; setup: [string, string][] } {
  return {
    desk: can(role, FRONT_OFFICE)
      ? [
          ["/waitlist", "Waitlist"],
          ["/messages", "Messages"],
        ]
      : [],
    setup: can(role, MANAGERS)
      ? [
          ["/settings/templates", "Templates"],
          ["/settings/messaging", "Messaging"],
        ]
      : [],
  };
}
