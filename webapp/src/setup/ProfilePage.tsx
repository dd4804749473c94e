import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import { Field, FormError, Loading } from "../ui/Field";

const ProfileDocument = graphql(`
  query SpaProfile {
    spa {
      name
      profile {
        contactEmail
        contactPhone
        website
        onlineBookingEnabled
        minNoticeMinutes
        bookingHorizonDays
        cancellationWindowHours
        slotGranularityMinutes
      }
    }
  }
`);

const UpdateDocument = graphql(`
  mutation UpdateSpaProfile($input: UpdateSpaProfileInput!) {
    updateSpaProfile(input: $input) {
      errors {
        field
        code
        message
      }
    }
  }
`);

export default function ProfilePage() {
  const [{ data, fetching, error }] = useQuery({ query: ProfileDocument });
  const [form, setForm] = useState<Record<string, string | boolean> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [state, update] = useMutation(UpdateDocument);
  useEffect(() => {
    const p = data?.spa.profile;
    if (p && !form) {
      setForm({
        contactEmail: p.contactEmail,
        contactPhone: p.contactPhone,
        website: p.website,
        onlineBookingEnabled: p.onlineBookingEnabled,
        minNoticeMinutes: String(p.minNoticeMinutes),
        bookingHorizonDays: String(p.bookingHorizonDays),
        cancellationWindowHours: String(p.cancellationWindowHours),
        slotGranularityMinutes: String(p.slotGranularityMinutes),
      });
    }
  }, [data, form]);
  if (fetching && !data) return <Loading what="the profile" />;
  if (!form) return <FormError message={requestError(error)} />;
  const text = (name: string) => ({
    value: String(form[name] ?? ""),
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [name]: e.target.value }),
    error: errors[name],
  });
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!form) return;
    const result = await update({
      input: {
        contactEmail: String(form["contactEmail"]),
        contactPhone: String(form["contactPhone"]),
        website: String(form["website"]),
        onlineBookingEnabled: Boolean(form["onlineBookingEnabled"]),
        minNoticeMinutes: Number(form["minNoticeMinutes"]),
        bookingHorizonDays: Number(form["bookingHorizonDays"]),
        cancellationWindowHours: Number(form["cancellationWindowHours"]),
        slotGranularityMinutes: Number(form["slotGranularityMinutes"]),
      },
    });
    const payload = result.data?.updateSpaProfile;
    setSaved(!!payload && payload.errors.length === 0);
    setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <section className="page">
      <h1>Spa profile</h1>
      <form className="card" onSubmit={submit} noValidate>
        <h2>Contact</h2>
        <Field label="Contact email" type="email" {...text("contactEmail")} />
        <Field label="Contact phone" type="tel" {...text("contactPhone")} />
        <Field label="Website" type="url" {...text("website")} />
        <h2>Online booking</h2>
        <label className="check">
          <input type="checkbox" checked={Boolean(form["onlineBookingEnabled"])} onChange={(e) => setForm({ ...form, onlineBookingEnabled: e.target.checked })} /> Clients may book online
        </label>
        <div className="grid2">
          <Field label="Notice (minutes)" type="number" {...text("minNoticeMinutes")} />
          <Field label="Horizon (days)" type="number" {...text("bookingHorizonDays")} />
          <Field label="Cancellation window (hours)" type="number" {...text("cancellationWindowHours")} />
          <Field label="Start times every (minutes)" type="number" {...text("slotGranularityMinutes")} />
        </div>
        <FormError message={errors[""]} />
        {saved ? <p role="status">Saved.</p> : null}
        <button type="submit" className="primary" disabled={state.fetching}>
          Save
        </button>
      </form>
    </section>
  );
}
