import { Client, cacheExchange, fetchExchange, mapExchange, type CombinedError } from "urql";
import { clearSession, readSession } from "./auth/session";

export const ENDPOINT = "/graphql/";

export function isUnauthenticated(error: CombinedError): boolean {
  return (
    error.response?.status === 401 ||
    error.graphQLErrors.some((e) => e.extensions?.["code"] === "UNAUTHENTICATED")
  );
}

/** The one GraphQL client: the bearer token on every request; an expired or
 * revoked token signs the browser out (`onExpired` shows the sign-in page). */
export function makeClient(onExpired: () => void): Client {
  return new Client({
    url: ENDPOINT,
    requestPolicy: "cache-and-network",
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error) && readSession() !== null) {
            clearSession();
            onExpired();
          }
        },
      }),
      fetchExchange,
    ],
    fetchOptions: () => {
      const session = readSession();
      const headers: Record<string, string> = session ? { Authorization: `Bearer ${session.token}` } : {};
      return {
        headers,
        credentials: "omit",
      };
    },
  });
}

/** The typed errors of a mutation payload, by the field they name ("" for none). */
export type FieldError = { field?: string | null; code: string; message: string };

export function errorsByField(errors: readonly FieldError[] | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    // Services name fields as the API does (camelCase) or as Python does: both match.
    const key = (e.field ?? "").replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    out[key] = out[key] ? `${out[key]} ${e.message}` : e.message;
  }
  return out;
}

/** A request-level failure in words (never a stack trace). */
export function requestError(error: CombinedError | undefined): string | null {
  if (!error) return null;
  if (error.networkError) return "The server could not be reached. Try again.";
  const first = error.graphQLErrors[0];
  return first ? first.message : "Something went wrong.";
}
