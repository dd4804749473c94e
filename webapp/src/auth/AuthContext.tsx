import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { MeQuery } from "../gql/graphql";
import { clearSession, readSession, writeSession } from "./session";

export const MeDocument = graphql(`
  query Me {
    me {
      id
      memberId
      name
      email
      role
    }
    spa {
      name
      slug
      timezone
    }
    locations(active: true, first: 100) {
      edges {
        node {
          id
          name
          timezone
        }
      }
    }
  }
`);

const LogoutDocument = graphql(`
  mutation Logout {
    logout {
      errors {
        code
      }
    }
  }
`);

export type Me = MeQuery["me"];
export type Role = Me["role"];
export type LocationSummary = { id: string; name: string; timezone: string };

type Auth = {
  signedIn: boolean;
  expired: boolean;
  signIn: (token: string, expiresAt: string | null) => void;
  signOut: () => Promise<void>;
  markExpired: () => void;
};

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({
  children,
  expired,
  onExpiredSeen,
}: {
  children: ReactNode;
  expired: boolean;
  onExpiredSeen: () => void;
}) {
  const [signedIn, setSignedIn] = useState(() => readSession() !== null);
  const [, logout] = useMutation(LogoutDocument);
  const signIn = useCallback(
    (token: string, expiresAt: string | null) => {
      writeSession(token, expiresAt);
      onExpiredSeen();
      setSignedIn(true);
    },
    [onExpiredSeen],
  );
  const signOut = useCallback(async () => {
    await logout({});
    clearSession();
    setSignedIn(false);
  }, [logout]);
  const markExpired = useCallback(() => setSignedIn(false), []);
  const value = useMemo(
    () => ({ signedIn: signedIn && !expired, expired, signIn, signOut, markExpired }),
    [signedIn, expired, signIn, signOut, markExpired],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

type Session = { me: Me; spa: MeQuery["spa"]; locations: LocationSummary[] };
const SessionContext = createContext<Session | null>(null);

// A location opened, renamed or closed in Setup refreshes the session's list
// (the calendar's switcher), even when the list held no location before.
const SESSION_CONTEXT = { additionalTypenames: ["Location"] };

export function SessionProvider({ children }: { children: (loading: boolean) => ReactNode }) {
  const [{ data, fetching, error }] = useQuery({ query: MeDocument, requestPolicy: "cache-first", context: SESSION_CONTEXT });
  const value = useMemo(
    () =>
      data
        ? {
            me: data.me,
            spa: data.spa,
            locations: (data.locations?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
          }
        : null,
    [data],
  );
  if (!value) {
    return <>{children(fetching || !error)}</>;
  }
  return <SessionContext.Provider value={value}>{children(false)}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in page");
  return session;
}

export const MANAGERS: readonly Role[] = ["OWNER", "MANAGER"];
export const FRONT_OFFICE: readonly Role[] = ["OWNER", "MANAGER", "FRONT_DESK"];

export function can(role: Role, roles: readonly Role[]): boolean {
  return roles.includes(role);
}
