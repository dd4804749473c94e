import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { NewClientForm, type CreatedClient } from "../clients/NewClientForm";
import { useDebounced } from "../clients/useDebounced";
import { formatTime, fromWall, isoDay } from "../tz";
import { Dialog } from "../ui/Dialog";
import { Field, FormError, Loading, Select } from "../ui/Field";
import { AvailabilityDocument, BookableServicesDocument, BookDocument, ClientSearchDocument } from "./documents";
import type { Frame } from "./model";

export type BookingStart = { day: Date; providerId: string | null; time: Date | null };

type Props = {
  start: BookingStart;
  locationId: string;
  tz: string;
  providers: Frame["staff"];
  canAddClient: boolean;
  onClose: () => void;
  onBooked: (startsAt: string) => void;
};

/** Book: a client (search or new), services, a provider, then a free time. */
export function BookDialog({ start, locationId, tz, providers, canAddClient, onClose, onBooked }: Props) {
  const [client, setClient] = useState<CreatedClient | null>(null);
  const [search, setSearch] = useState("");
  const [adding, setAdding] = useState(false);
  const [serviceIds, setServiceIds] = useState<string[]>([]);
  const [providerId, setProviderId] = useState(start.providerId ?? (providers.length === 1 ? providers[0]!.id : ""));
  const [day, setDay] = useState(isoDay(start.day));
  const [slot, setSlot] = useState<{ startsAt: string; providerId: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const term = useDebounced(search.trim());

  const [clients] = useQuery({ query: ClientSearchDocument, variables: { search: term }, pause: term.length < 2 || !!client });
  const [services] = useQuery({ query: BookableServicesDocument, requestPolicy: "cache-and-network" });
  const [slots] = useQuery({
    query: AvailabilityDocument,
    variables: { locationId, serviceIds, from: day, to: day, providerId: providerId || null },
    pause: serviceIds.length === 0 || !day,
    requestPolicy: "network-only",
  });
  const [booked, book] = useMutation(BookDocument);
  const serviceList = useMemo(
    () => (services.data?.services?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
    [services.data],
  );
  const wanted = start.time ? fromWall(start.time, tz).getTime() : null;

  async function submit() {
    if (!client || !slot) return;
    const result = await book({
      input: { clientId: client.id, providerId: slot.providerId, locationId, serviceIds, startsAt: slot.startsAt },
    });
    const payload = result.data?.bookAppointment;
    if (payload?.appointment) onBooked(payload.appointment.startsAt);
    else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  return (
    <Dialog title="Book an appointment" onClose={onClose}>
      <fieldset>
        <legend>Client</legend>
        {client ? (
          <p>
            <strong>{client.displayName}</strong>{" "}
            <button type="button" onClick={() => setClient(null)}>
              Change
            </button>
          </p>
        ) : adding ? (
          <NewClientForm
            onCreated={(c) => {
              setClient(c);
              setAdding(false);
            }}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <>
            <Field
              label="Find a client"
              type="search"
              placeholder="Name, email or phone"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              error={errors["clientId"]}
              autoFocus
            />
            {term.length >= 2 ? (
              clients.fetching && !clients.data ? (
                <Loading what="clients" />
              ) : (
                <ul className="pick-list" aria-label="Matching clients">
                  {(clients.data?.clients?.edges ?? []).flatMap((e) =>
                    e?.node
                      ? [
                          <li key={e.node.id}>
                            <button type="button" onClick={() => setClient(e.node!)}>
                              {e.node.displayName}
                            </button>{" "}
                            <span className="muted">{e.node.email || e.node.phone}</span>
                          </li>,
                        ]
                      : [],
                  )}
                  {clients.data?.clients?.edges.length === 0 ? <li className="empty">No client matches.</li> : null}
                </ul>
              )
            ) : null}
            {canAddClient ? (
              <button type="button" onClick={() => setAdding(true)}>
                New client
              </button>
            ) : null}
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>Services</legend>
        {services.fetching && !services.data ? <Loading what="services" /> : null}
        {serviceList.length === 0 && services.data ? <p className="empty">No service is offered yet.</p> : null}
        <div className="checks">
          {serviceList.map((s) => (
            <label key={s.id}>
              <input
                type="checkbox"
                checked={serviceIds.includes(s.id)}
                onChange={(e) => {
                  setSlot(null);
                  setServiceIds(e.target.checked ? [...serviceIds, s.id] : serviceIds.filter((id) => id !== s.id));
                }}
              />{" "}
              {s.name} <span className="muted">({s.durationMinutes} min)</span>
            </label>
          ))}
        </div>
        {errors["serviceIds"] ? <div className="field-error">{errors["serviceIds"]}</div> : null}
      </fieldset>
      <div className="grid2">
        <Select label="Provider" value={providerId} onChange={(e) => { setProviderId(e.target.value); setSlot(null); }} error={errors["providerId"]}>
          {providers.length > 1 ? <option value="">Anyone</option> : null}
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </Select>
        <Field label="Day" type="date" value={day} onChange={(e) => { setDay(e.target.value); setSlot(null); }} />
      </div>
      <fieldset>
        <legend>Time</legend>
        {serviceIds.length === 0 ? <p className="muted">Choose services to see free times.</p> : null}
        {slots.fetching ? <Loading what="free times" /> : null}
        {slots.data && slots.data.availability.length === 0 ? <p className="empty">No free time that day.</p> : null}
        <div className="slots">
          {(slots.data?.availability ?? []).map((s) => {
            const chosen = slot?.startsAt === s.startsAt && slot.providerId === s.provider.id;
            const near = wanted !== null && new Date(s.startsAt).getTime() === wanted;
            return (
              <button
                type="button"
                key={`${s.startsAt}|${s.provider.id}`}
                aria-pressed={chosen}
                className={near ? "near" : undefined}
                onClick={() => setSlot({ startsAt: s.startsAt, providerId: s.provider.id })}
              >
                {formatTime(s.startsAt, tz)} · {s.provider.displayName}
              </button>
            );
          })}
        </div>
        {errors["startsAt"] ? <div className="field-error" role="alert">{errors["startsAt"]}</div> : null}
      </fieldset>
      <FormError message={errors[""] ?? errors["locationId"]} />
      <div className="actions">
        <button type="button" className="primary" disabled={!client || !slot || booked.fetching} onClick={() => void submit()}>
          Book appointment
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
