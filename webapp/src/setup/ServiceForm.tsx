import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import type { CatalogQuery, Credential } from "../gql/graphql";
import { ServiceFormsEditor } from "../forms/ServiceFormsEditor";
import { Dialog } from "../ui/Dialog";
import { Field, FormError, Select } from "../ui/Field";

const UpdateServiceDocument = graphql(`
  mutation UpdateService($id: ID!, $input: UpdateServiceInput!) {
    updateService(id: $id, input: $input) {
      service {
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

export type CatalogService = NonNullable<NonNullable<NonNullable<CatalogQuery["services"]>["edges"][number]>["node"]>;

export const CREDENTIALS: [Credential, string][] = [
  ["MD", "Physician"],
  ["NP", "Nurse practitioner"],
  ["PA", "Physician assistant"],
  ["RN", "Registered nurse"],
  ["AESTHETICIAN", "Licensed aesthetician"],
];

const cents = (price: string) => Math.round(Number.parseFloat(price || "0") * 100);
const minutes = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The form's values as they stand, and what of them differs from `service`:
 * the update sends only that (an empty input changes nothing). */
export function serviceChanges(
  service: CatalogService,
  f: ServiceFields,
): Record<string, string | number | boolean | string[]> {
  const input: Record<string, string | number | boolean | string[]> = {};
  if (f.name !== service.name) input["name"] = f.name;
  if (f.description !== service.description) input["description"] = f.description;
  if (f.categoryId !== service.category.id) input["categoryId"] = f.categoryId;
  const numbers = [
    ["durationMinutes", minutes(f.duration), service.durationMinutes],
    ["bufferBeforeMinutes", minutes(f.bufferBefore), service.bufferBeforeMinutes],
    ["bufferAfterMinutes", minutes(f.bufferAfter), service.bufferAfterMinutes],
    ["priceCents", cents(f.price), service.priceCents],
  ] as const;
  for (const [key, value, was] of numbers) {
    // Not a whole number cannot travel as an Int: -1 does, and the API refuses it with its own message for the field.
    if (value !== was) input[key] = Number.isInteger(value) ? value : -1;
  }
  if (f.online !== service.isBookableOnline) input["isBookableOnline"] = f.online;
  if (!sameSet(f.credentials, service.requiredCredentials)) input["requiredCredentials"] = f.credentials;
  const typeIds = service.requiredResourceTypes.map((t) => t.id);
  if (!sameSet(f.resourceTypeIds, typeIds)) input["requiredResourceTypeIds"] = f.resourceTypeIds;
  return input;
}

export type ServiceFields = {
  name: string;
  description: string;
  categoryId: string;
  duration: string;
  bufferBefore: string;
  bufferAfter: string;
  price: string;
  online: boolean;
  credentials: Credential[];
  resourceTypeIds: string[];
};

function fieldsOf(s: CatalogService): ServiceFields {
  return {
    name: s.name,
    description: s.description,
    categoryId: s.category.id,
    duration: String(s.durationMinutes),
    bufferBefore: String(s.bufferBeforeMinutes),
    bufferAfter: String(s.bufferAfterMinutes),
    price: (s.priceCents / 100).toFixed(2),
    online: s.isBookableOnline,
    credentials: [...s.requiredCredentials],
    resourceTypeIds: s.requiredResourceTypes.map((t) => t.id),
  };
}

/** Everything about a service: name, category, time, buffers, price, who may
 * perform it and the rooms or devices it needs. */
export function EditServiceDialog(props: {
  service: CatalogService;
  categories: { id: string; name: string }[];
  resourceTypes: { id: string; name: string }[];
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const { service } = props;
  const [f, setF] = useState(() => fieldsOf(service));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, update] = useMutation(UpdateServiceDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = serviceChanges(service, f);
    if (Object.keys(input).length === 0) {
      props.onClose();
      return;
    }
    const result = await update({ id: service.id, input });
    const payload = result.data?.updateService;
    if (payload?.service) props.onSaved(payload.service.name);
    else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  const toggle = <T extends string>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((x) => x !== value));
  return (
    <Dialog title={`Edit ${service.name}`} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <div className="grid2">
          <Field label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} error={errors["name"]} />
          <Select label="Category" value={f.categoryId} onChange={(e) => setF({ ...f, categoryId: e.target.value })} error={errors["categoryId"]}>
            {props.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </Select>
        </div>
        <Field label="Description" value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} error={errors["description"]} />
        <div className="grid2">
          <Field label="Minutes with the client" type="number" min={1} value={f.duration} onChange={(e) => setF({ ...f, duration: e.target.value })} error={errors["durationMinutes"]} />
          <Field label="Price" type="number" min={0} step="0.01" value={f.price} onChange={(e) => setF({ ...f, price: e.target.value })} error={errors["priceCents"]} />
          <Field label="Buffer before (minutes)" type="number" min={0} value={f.bufferBefore} onChange={(e) => setF({ ...f, bufferBefore: e.target.value })} error={errors["bufferBeforeMinutes"]} />
          <Field label="Buffer after (minutes)" type="number" min={0} value={f.bufferAfter} onChange={(e) => setF({ ...f, bufferAfter: e.target.value })} error={errors["bufferAfterMinutes"]} />
        </div>
        <fieldset>
          <legend>Who may perform it (none ticked: anyone)</legend>
          <div className="checks">
            {CREDENTIALS.map(([value, label]) => (
              <label className="check" key={value}>
                <input
                  type="checkbox"
                  checked={f.credentials.includes(value)}
                  onChange={(e) => setF({ ...f, credentials: toggle(f.credentials, value, e.target.checked) })}
                />{" "}
                {label}
              </label>
            ))}
          </div>
          <FormError message={errors["requiredCredentials"]} />
        </fieldset>
        <fieldset>
          <legend>Rooms and devices it needs</legend>
          {props.resourceTypes.length === 0 ? <p className="empty">No kinds of room or device yet (Locations).</p> : null}
          <div className="checks">
            {props.resourceTypes.map((t) => (
              <label className="check" key={t.id}>
                <input
                  type="checkbox"
                  checked={f.resourceTypeIds.includes(t.id)}
                  onChange={(e) => setF({ ...f, resourceTypeIds: toggle(f.resourceTypeIds, t.id, e.target.checked) })}
                />{" "}
                {t.name}
              </label>
            ))}
          </div>
          <FormError message={errors["requiredResourceTypeIds"]} />
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={f.online} onChange={(e) => setF({ ...f, online: e.target.checked })} /> Clients may book it online
        </label>
        <FormError message={errors[""] ?? errors["id"]} />
        <div className="actions">
          <button type="submit" className="primary" disabled={fetching}>
            Save service
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
      <ServiceFormsEditor serviceId={service.id} serviceName={service.name} />
    </Dialog>
  );
}
