import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";
import { Provider, useClient } from "urql";
import { CalendarDayDocument } from "./calendar/documents";
import { makeClient } from "./api";
import { readSession } from "./auth/session";
import { AuthProvider, can, MANAGERS, SessionProvider, useAuth, useSession } from "./auth/AuthContext";
import { AcceptInvitationPage, ForgotPasswordPage, ResetPasswordPage, SignInPage } from "./auth/pages";
import { Layout } from "./Layout";
import { Loading } from "./ui/Field";
import { NotFound } from "./NotFound";
import { messagingRoutes } from "./messaging/routes";

// The calendar (react-big-calendar) and the rest load after the first render.
const loadCalendar = () => import("./calendar/CalendarPage");
const CalendarPage = lazy(loadCalendar);
// Signed in already: fetch the calendar's code while the session loads (no waterfall).
if (readSession() !== null) void loadCalendar();
const ClientsPage = lazy(() => import("./clients/ClientsPage"));
const ClientPage = lazy(() => import("./clients/ClientPage"));
const ServicesPage = lazy(() => import("./setup/ServicesPage"));
const TeamPage = lazy(() => import("./setup/TeamPage"));
const StaffPage = lazy(() => import("./setup/StaffPage"));
const LocationsPage = lazy(() => import("./setup/LocationsPage"));
const ProfilePage = lazy(() => import("./setup/ProfilePage"));
const BillingPage = lazy(() => import("./setup/BillingPage"));
const AccountPage = lazy(() => import("./setup/AccountPage"));
const FormsSettingsPage = lazy(() => import("./forms/FormsSettingsPage"));
const FormTemplatePage = lazy(() => import("./forms/FormsSettingsPage").then((m) => ({ default: m.FormTemplatePage })));

export function App() {
  const [expired, setExpired] = useState(false);
  const [generation, setGeneration] = useState(0);
  const onExpired = useCallback(() => setExpired(true), []);
  // A new client (empty cache) for each sign-in: nothing of one member's
  // session is shown to the next.
  const client = useMemo(() => makeClient(onExpired), [onExpired, generation]);
  const onExpiredSeen = useCallback(() => {
    setExpired(false);
    setGeneration((g) => g + 1);
  }, []);
  return (
    <Provider value={client}>
      <AuthProvider expired={expired} onExpiredSeen={onExpiredSeen}>
        <Routes>
          <Route path="/signin" element={<SignInPage />} />
          <Route path="/forgot-password" element={<ForgotPasswordPage />} />
          <Route path="/reset-password" element={<ResetPasswordPage />} />
          <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
          <Route path="*" element={<SignedIn />} />
        </Routes>
      </AuthProvider>
    </Provider>
  );
}

/** A calendar address that names its location and day (a reload, a shared
 * link) asks for that day at once, beside the session, not after it: the day
 * view is two requests in parallel. The page then finds the answer cached. */
function usePrefetchedDay(signedIn: boolean) {
  const client = useClient();
  const location = useLocation();
  useEffect(() => {
    if (!signedIn || location.pathname !== "/calendar") return;
    const params = new URLSearchParams(location.search);
    const locationId = params.get("location");
    const date = params.get("date");
    if (!locationId || !date || params.get("view") === "week") return;
    void client.query(CalendarDayDocument, { locationId, date }, { requestPolicy: "network-only" }).toPromise();
    // Only the address the app was opened at.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}

function SignedIn() {
  const { signedIn } = useAuth();
  const location = useLocation();
  usePrefetchedDay(signedIn);
  if (!signedIn) {
    const next = location.pathname === "/" ? "" : `?next=${encodeURIComponent(location.pathname)}`;
    return <Navigate to={`/signin${next}`} replace />;
  }
  return (
    <SessionProvider>
      {(loading) =>
        loading ? (
          <main className="auth-page">
            <Loading what="your spa" />
          </main>
        ) : (
          <Screens />
        )
      }
    </SessionProvider>
  );
}

function Screens() {
  const { me } = useSession();
  const managers = can(me.role, MANAGERS);
  return (
    <Layout>
      <Suspense fallback={<Loading what="the page" />}>
        <Routes>
          <Route path="/" element={<Navigate to="/calendar" replace />} />
          <Route path="/calendar" element={<CalendarPage />} />
          <Route path="/clients" element={<ClientsPage />} />
          <Route path="/clients/:id" element={<ClientPage />} />
          <Route path="/account" element={<AccountPage />} />
          {managers ? <Route path="/settings/services" element={<ServicesPage />} /> : null}
          {managers ? <Route path="/settings/team" element={<TeamPage />} /> : null}
          {managers ? <Route path="/settings/staff" element={<StaffPage />} /> : null}
          {managers ? <Route path="/settings/locations" element={<LocationsPage />} /> : null}
          {managers ? <Route path="/settings/profile" element={<ProfilePage />} /> : null}
          {managers ? <Route path="/settings/forms" element={<FormsSettingsPage />} /> : null}
          {managers ? <Route path="/settings/forms/:id" element={<FormTemplatePage />} /> : null}
          {me.role === "OWNER" ? <Route path="/settings/billing" element={<BillingPage />} /> : null}
          {messagingRoutes(me.role)}
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

