import { useMemo, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import { Field, FormError, Select } from "../ui/Field";

const CreateLocationDocument = graphql(`
  mutation CreateLocation($input: CreateLocationInput!) {
    createLocation(input: $input) {
      location {
        id
        name
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const UpdateLocationDocument = graphql(`
  mutation UpdateLocation($id: ID!, $input: UpdateLocationInput!) {
    updateLocation(id: $id, input: $input) {
      location {
        id
        name
        isActive
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export type LocationDetails = {
  id: string;
  name: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  timezone: string;
  phone: string;
};

type Text = Exclude<keyof LocationDetails, "id">;
const TEXT: [Text, string, string?][] = [
  ["name", "Location name"],
  ["addressLine1", "Street and number"],
  ["addressLine2", "Suite, floor"],
  ["city", "City"],
  ["region", "State or region"],
  ["postalCode", "ZIP or postal code"],
  ["country", "Country (two letters)"],
  ["phone", "Location phone", "tel"],
];

const BLANK: Omit<LocationDetails, "id"> = {
  name: "",
  addressLine1: "",
  addressLine2: "",
  city: "",
  region: "",
  postalCode: "",
  country: "US",
  timezone: "",
  phone: "",
};

/** The IANA zones this browser knows, with `current` kept even if it does not. */
function zones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return current && !known.includes(current) ? [current, ...known] : known;
}

/** A new location (`location` absent) or the details of one: name, address,
 * timezone and phone. Editing sends only what changed. */
export function LocationForm({
  location,
  defaultTimezone,
  onSaved,
  onCancel,
}: {
  location?: LocationDetails;
  defaultTimezone: string;
  onSaved: (name: string) => void;
  onCancel?: () => void;
}) {
  const initial = location ?? { ...BLANK, timezone: defaultTimezone };
  const [f, setF] = useState<Omit<LocationDetails, "id">>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [createState, create] = useMutation(CreateLocationDocument);
  const [updateState, update] = useMutation(UpdateLocationDocument);
  const timezones = useMemo(() => zones(initial.timezone), [initial.timezone]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input: Partial<Record<Text, string>> = {};
    for (const key of [...TEXT.map(([k]) => k), "timezone"] as Text[]) {
      if (!location || f[key] !== location[key]) input[key] = f[key];
    }
    const result = location
      ? await update({ id: location.id, input })
      : await create({ input: { ...input, name: f.name, timezone: f.timezone } });
    const payload = result.data && ("updateLocation" in result.data ? result.data.updateLocation : result.data.createLocation);
    if (payload?.location) {
      setErrors({});
      if (!location) setF({ ...BLANK, timezone: defaultTimezone });
      onSaved(payload.location.name);
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  const name = location ? location.name : "new location";
  return (
    <form onSubmit={submit} noValidate aria-label={location ? `Details of ${location.name}` : "New location"}>
      <div className="grid2">
        {TEXT.map(([key, label, type]) => (
          <Field
            key={key}
            label={label}
            type={type ?? "text"}
            value={f[key]}
            onChange={(e) => setF({ ...f, [key]: e.target.value })}
            error={errors[key]}
          />
        ))}
        <Select label="Timezone" value={f.timezone} onChange={(e) => setF({ ...f, timezone: e.target.value })} error={errors["timezone"]}>
          {timezones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </Select>
      </div>
      <FormError message={errors[""] ?? errors["id"]} />
      <div className="actions">
        <button type="submit" className="primary" disabled={createState.fetching || updateState.fetching}>
          {location ? "Save location" : "Add location"}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel <span className="sr-only">editing {name}</span>
          </button>
        ) : null}
      </div>
    </form>
  );
}
