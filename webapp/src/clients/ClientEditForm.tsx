import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import type { ClientQuery } from "../gql/graphql";
import { Field, FormError } from "../ui/Field";

const UpdateClientDocument = graphql(`
  mutation UpdateClient($id: ID!, $input: ClientInput!) {
    updateClient(id: $id, input: $input) {
      client {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

type Client = NonNullable<ClientQuery["client"]>;

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

// The address's parts: the form's key, its label, and the field the API's errors name.
const ADDRESS = [
  ["line1", "Street and number", "addressLine1"],
  ["line2", "Apartment, suite", "addressLine2"],
  ["city", "City", "city"],
  ["region", "State or region", "region"],
  ["postalCode", "ZIP or postal code", "postalCode"],
  ["country", "Country (two letters)", "country"],
] as const;
type AddressKey = (typeof ADDRESS)[number][0];

/** Contact, address, medical lists, tags and marketing consent; only what changed is sent. */
export function ClientEditForm({ client, onSaved, onCancel }: { client: Client; onSaved: () => void; onCancel: () => void }) {
  const [f, setF] = useState({
    firstName: client.firstName,
    lastName: client.lastName,
    preferredName: client.preferredName,
    email: client.email,
    phone: client.phone,
    dateOfBirth: client.dateOfBirth ?? "",
    allergies: client.allergies.join(", "),
    medications: client.medications.join(", "),
    medicalConditions: client.medicalConditions.join(", "),
    tags: client.tags.join(", "),
    notes: client.notes,
    consent: client.marketingConsent?.granted ?? false,
  });
  const [address, setAddress] = useState<Record<AddressKey, string>>({ ...client.address });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, update] = useMutation(UpdateClientDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input: Record<string, unknown> = {};
    for (const key of ["firstName", "lastName", "preferredName", "email", "phone", "notes"] as const) {
      if (f[key] !== client[key]) input[key] = f[key];
    }
    if (f.dateOfBirth !== (client.dateOfBirth ?? "")) input["dateOfBirth"] = f.dateOfBirth || null;
    for (const key of ["allergies", "medications", "medicalConditions", "tags"] as const) {
      if (list(f[key]).join("|") !== client[key].join("|")) input[key] = list(f[key]);
    }
    const addressChanges: Partial<Record<AddressKey, string>> = {};
    for (const [key] of ADDRESS) if (address[key] !== client.address[key]) addressChanges[key] = address[key];
    if (Object.keys(addressChanges).length) input["address"] = addressChanges;
    if (f.consent !== (client.marketingConsent?.granted ?? false)) {
      input["marketingConsent"] = { granted: f.consent, source: "IN_PERSON" };
    }
    const result = await update({ id: client.id, input });
    const payload = result.data?.updateClient;
    if (payload?.client) onSaved();
    else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  const text = (key: Exclude<keyof typeof f, "consent">, label: string, type = "text") => (
    <Field label={label} type={type} value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value })} error={errors[key]} />
  );
  return (
    <form className="card" onSubmit={submit} noValidate>
      <h2>Edit client</h2>
      <div className="grid2">
        {text("firstName", "First name")}
        {text("lastName", "Last name")}
        {text("preferredName", "Preferred name")}
        {text("dateOfBirth", "Date of birth", "date")}
        {text("email", "Email", "email")}
        {text("phone", "Phone", "tel")}
      </div>
      <fieldset>
        <legend>Address</legend>
        <div className="grid2">
          {ADDRESS.map(([key, label, field]) => (
            <Field
              key={key}
              label={label}
              value={address[key]}
              onChange={(e) => setAddress({ ...address, [key]: e.target.value })}
              error={errors[field]}
            />
          ))}
        </div>
      </fieldset>
      {text("allergies", "Allergies (comma-separated)")}
      {text("medications", "Medications (comma-separated)")}
      {text("medicalConditions", "Conditions (comma-separated)")}
      {text("tags", "Tags (comma-separated)")}
      {text("notes", "Notes")}
      <label className="check">
        <input type="checkbox" checked={f.consent} onChange={(e) => setF({ ...f, consent: e.target.checked })} /> Agrees to marketing
        (recorded as given in person)
      </label>
      <FormError message={errors[""] ?? errors["marketingConsent"]} />
      <div className="actions">
        <button type="submit" className="primary" disabled={fetching}>
          Save client
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
