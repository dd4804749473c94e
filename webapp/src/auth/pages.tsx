import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import { Field, FormError } from "../ui/Field";
import { useAuth } from "./AuthContext";

const LoginDocument = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
      errors {
        field
        code
        message
      }
    }
  }
`);

const RequestResetDocument = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const ResetDocument = graphql(`
  mutation ResetPassword($uid: String!, $token: String!, $newPassword: String!) {
    resetPassword(uid: $uid, token: $token, newPassword: $newPassword) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const AcceptDocument = graphql(`
  mutation AcceptInvitation($token: String!, $name: String!, $password: String!) {
    acceptInvitation(token: $token, name: $name, password: $password) {
      token
      errors {
        field
        code
        message
      }
    }
  }
`);

function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function SignInPage() {
  const { signIn, expired } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching, error }, login] = useMutation(LoginDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await login({ email, password });
    const payload = result.data?.login;
    if (payload?.token) {
      signIn(payload.token, payload.expiresAt ?? null);
      navigate(params.get("next") ?? "/", { replace: true });
    } else {
      setErrors(errorsByField(payload?.errors));
    }
  }

  return (
    <AuthFrame title="Sign in">
      {expired || params.get("expired") ? (
        <p className="notice" role="status">
          Your session has ended. Sign in again.
        </p>
      ) : null}
      {params.get("reset") ? (
        <p className="notice" role="status">
          Your password is set. Sign in with it.
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors["email"]}
          required
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors["password"]}
          required
        />
        <FormError message={errors[""] ?? requestError(error)} />
        <button type="submit" className="primary" disabled={fetching}>
          Sign in
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthFrame>
  );
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching, error }, request] = useMutation(RequestResetDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await request({ email });
    const payload = result.data?.requestPasswordReset;
    if (payload && payload.errors.length === 0) setSent(true);
    else setErrors(errorsByField(payload?.errors));
  }

  return (
    <AuthFrame title="Reset your password">
      {sent ? (
        <p role="status">If that address belongs to a member of this spa, a link is on its way.</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors["email"]}
          />
          <FormError message={errors[""] ?? requestError(error)} />
          <button type="submit" className="primary" disabled={fetching}>
            Email me a link
          </button>
        </form>
      )}
      <p>
        <Link to="/signin">Back to sign in</Link>
      </p>
    </AuthFrame>
  );
}

/** The page behind the welcome and reset emails (`/reset-password?uid=&token=`). */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching, error }, reset] = useMutation(ResetDocument);
  const uid = params.get("uid") ?? "";
  const token = params.get("token") ?? "";

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await reset({ uid, token, newPassword: password });
    const payload = result.data?.resetPassword;
    if (payload && payload.errors.length === 0) navigate("/signin?reset=1", { replace: true });
    else setErrors(errorsByField(payload?.errors));
  }

  if (!uid || !token) {
    return (
      <AuthFrame title="Choose a password">
        <p role="alert">This link is incomplete. Ask for a new one.</p>
        <p>
          <Link to="/forgot-password">Email me a new link</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Choose a password">
      <form onSubmit={submit} noValidate>
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors["newPassword"] ?? errors["password"]}
          hint="At least 10 characters."
        />
        <FormError message={errors["token"] ?? errors["uid"] ?? errors[""] ?? requestError(error)} />
        <button type="submit" className="primary" disabled={fetching}>
          Set password
        </button>
      </form>
    </AuthFrame>
  );
}

/** The page behind the invitation email (`/accept-invitation?token=`). */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signIn } = useAuth();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching, error }, accept] = useMutation(AcceptDocument);
  const token = params.get("token") ?? "";

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await accept({ token, name, password });
    const payload = result.data?.acceptInvitation;
    if (payload?.token) {
      signIn(payload.token, null);
      navigate("/", { replace: true });
    } else {
      setErrors(errorsByField(payload?.errors));
    }
  }

  return (
    <AuthFrame title="Join the team">
      <p>Choose your name and a password. If you already have an account, type its password.</p>
      <form onSubmit={submit} noValidate>
        <Field
          label="Your name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors["name"]}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors["password"]}
          hint="At least 10 characters."
        />
        <FormError message={errors["token"] ?? errors[""] ?? requestError(error)} />
        <button type="submit" className="primary" disabled={fetching || !token}>
          Join
        </button>
      </form>
    </AuthFrame>
  );
}
