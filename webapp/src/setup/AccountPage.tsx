import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { useSession } from "../auth/AuthContext";
import { graphql } from "../gql";
import { Field, FormError } from "../ui/Field";

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
      errors {
        field
        code
        message
      }
    }
  }
`);

export default function AccountPage() {
  const { me } = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const [state, change] = useMutation(ChangePasswordDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await change({ currentPassword: current, newPassword: next });
    const payload = result.data?.changePassword;
    setDone(!!payload && payload.errors.length === 0);
    setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <section className="page">
      <h1>My account</h1>
      <p>
        {me.name} · {me.email}
      </p>
      <form className="card" onSubmit={submit} noValidate>
        <h2>Change password</h2>
        <Field label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors["currentPassword"]} />
        <Field label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={errors["newPassword"]} />
        <FormError message={errors[""]} />
        {done ? <p role="status">Password changed. Your other sessions are signed out.</p> : null}
        <button type="submit" disabled={state.fetching}>
          Change password
        </button>
      </form>
    </section>
  );
}
