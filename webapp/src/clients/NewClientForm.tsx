import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import { Field, FormError } from "../ui/Field";

const CreateClientDocument = graphql(`
  mutation CreateClient($input: ClientInput!, $allowDuplicate: Boolean!) {
    createClient(input: $input, allowDuplicate: $allowDuplicate) {
      client {
        id
        displayName
      }
      duplicates {
        id
        displayName
        email
        phone
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export type CreatedClient = { id: string; displayName: string };

/** A new client; a likely duplicate is shown first, to pick or to create anyway. */
export function NewClientForm({ onCreated, onCancel }: { onCreated: (c: CreatedClient) => void; onCancel?: () => void }) {
  const [fields, setFields] = useState({ firstName: "", lastName: "", email: "", phone: "", dateOfBirth: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [duplicates, setDuplicates] = useState<{ id: string; displayName: string; email: string; phone: string }[]>([]);
  const [{ fetching, error }, create] = useMutation(CreateClientDocument);

  async function send(allowDuplicate: boolean) {
    const input = {
      firstName: fields.firstName,
      lastName: fields.lastName,
      email: fields.email,
      phone: fields.phone,
      ...(fields.dateOfBirth ? { dateOfBirth: fields.dateOfBirth } : {}),
    };
    const result = await create({ input, allowDuplicate });
    const payload = result.data?.createClient;
    if (payload?.client) {
      onCreated(payload.client);
      return;
    }
    setDuplicates(payload?.duplicates ?? []);
    const byField = errorsByField(payload?.errors?.filter((e) => e.code !== "DUPLICATE_SUSPECTED"));
    setErrors(byField);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void send(false);
  }

  const set = (name: keyof typeof fields) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setFields({ ...fields, [name]: e.target.value });
  return (
    <form onSubmit={submit} noValidate className="new-client">
      <div className="grid2">
        <Field label="First name" value={fields.firstName} onChange={set("firstName")} error={errors["firstName"]} />
        <Field label="Last name" value={fields.lastName} onChange={set("lastName")} error={errors["lastName"]} />
        <Field label="Client email" type="email" value={fields.email} onChange={set("email")} error={errors["email"]} />
        <Field label="Client phone" type="tel" value={fields.phone} onChange={set("phone")} error={errors["phone"]} />
        <Field label="Date of birth" type="date" value={fields.dateOfBirth} onChange={set("dateOfBirth")} error={errors["dateOfBirth"]} />
      </div>
      <FormError message={errors[""] ?? requestError(error)} />
      {duplicates.length ? (
        <div className="duplicates" role="alert">
          <p>This looks like a client you already have:</p>
          <ul>
            {duplicates.map((d) => (
              <li key={d.id}>
                <button type="button" onClick={() => onCreated(d)}>
                  Use {d.displayName}
                </button>{" "}
                {d.email} {d.phone}
              </li>
            ))}
          </ul>
          <button type="button" disabled={fetching} onClick={() => void send(true)}>
            Create a new client anyway
          </button>
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={fetching}>
          Add client
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
