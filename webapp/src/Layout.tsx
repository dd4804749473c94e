import { useState, type ReactNode } from "react";
import { NavLink, useNavigate } from "react-router";
import { can, MANAGERS, useAuth, useSession } from "./auth/AuthContext";
import { messagingLinks } from "./messaging/routes";

const ROLE_LABEL = { OWNER: "Owner", MANAGER: "Manager", PROVIDER: "Provider", FRONT_DESK: "Front desk" };

/** The frame of every signed-in page: what the member's role cannot do is not offered. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, spa } = useSession();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const managers = can(me.role, MANAGERS);
  const messaging = messagingLinks(me.role);
  const links: [string, string][] = [
    ["/calendar", "Calendar"],
    ["/clients", "Clients"],
    ...messaging.desk,
    ...(managers
      ? ([
          ["/settings/services", "Services"],
          ["/settings/forms", "Forms"],
          ["/settings/locations", "Locations"],
          ["/settings/staff", "Staff"],
          ["/settings/team", "Team"],
          ["/settings/profile", "Spa profile"],
        ] as [string, string][])
      : []),
    ...messaging.setup,
    ...(me.role === "OWNER" ? ([["/settings/billing", "Billing"]] as [string, string][]) : []),
    ["/account", "My account"],
  ];
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">{spa.name}</span>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={open}
          aria-controls="mainnav"
          onClick={() => setOpen(!open)}
        >
          Menu
        </button>
        <nav id="mainnav" aria-label="Main" className={open ? "open" : ""}>
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} onClick={() => setOpen(false)}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {me.name || me.email} · {ROLE_LABEL[me.role]}
        </span>
        <button
          type="button"
          onClick={async () => {
            await signOut();
            navigate("/signin", { replace: true });
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
