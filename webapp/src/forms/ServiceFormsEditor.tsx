import { useEffect, useId, useState } from "react";
import { useMutation, useQuery } from "urql";
import { requestError } from "../api";
import { graphql } from "../gql";
import { FormError, Loading } from "../ui/Field";
import { KIND_LABEL, type FormKind } from "./schema";

const ServiceFormsDocument = graphql(`
  query ServiceForms($serviceId: ID!) {
    formTemplates {
      id
      name
      kind
      latestVersion {
        number
      }
    }
    serviceRequiredForms(serviceIds: [$serviceId]) {
      serviceId
      templates {
        id
      }
    }
  }
`);

const SetServiceFormsDocument = graphql(`
  mutation SetServiceForms($serviceId: ID!, $templateIds: [ID!]!) {
    setServiceForms(serviceId: $serviceId, templateIds: $templateIds) {
      templates {
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

/** The forms a service requires before treatment (setServiceForms): the
 * treatment gate holds check-in until the client has them. */
export function ServiceFormsEditor({ serviceId, serviceName }: { serviceId: string; serviceName: string }) {
  const headingId = useId();
  const [{ data, fetching, error }] = useQuery({ query: ServiceFormsDocument, variables: { serviceId }, requestPolicy: "network-only" });
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [state, setForms] = useMutation(SetServiceFormsDocument);
  const current = data?.serviceRequiredForms[0]?.templates.map((t) => t.id) ?? [];
  useEffect(() => {
    if (data && chosen === null) setChosen(data.serviceRequiredForms[0]?.templates.map((t) => t.id) ?? []);
  }, [data, chosen]);
  if (fetching && !data) return <Loading what="required forms" />;
  const picked = chosen ?? current;
  return (
    <section aria-labelledby={headingId} className="service-forms">
      <h3 id={headingId}>Forms required before treatment</h3>
      <FormError message={requestError(error)} />
      {(data?.formTemplates ?? []).length === 0 ? <p className="empty">No forms yet: add them under Settings, Forms.</p> : null}
      <fieldset className="checks">
        <legend className="sr-only">Forms {serviceName} requires</legend>
        {(data?.formTemplates ?? []).map((t) => (
          <label key={t.id} className="check">
            <input
              type="checkbox"
              checked={picked.includes(t.id)}
              onChange={(e) => {
                setMessage(null);
                setChosen(e.target.checked ? [...picked, t.id] : picked.filter((x) => x !== t.id));
              }}
            />
            {t.name} ({KIND_LABEL[t.kind.toLowerCase() as FormKind]}
            {t.latestVersion ? "" : ", not published"})
          </label>
        ))}
      </fieldset>
      {message ? <p role="status">{message}</p> : null}
      <FormError message={failure} />
      <button
        type="button"
        disabled={state.fetching}
        onClick={async () => {
          setFailure(null);
          const result = await setForms({ serviceId, templateIds: picked });
          const payload = result.data?.setServiceForms;
          if (payload?.templates && payload.errors.length === 0) {
            setChosen(payload.templates.map((t) => t.id));
            setMessage(`${serviceName} now requires ${payload.templates.length} form${payload.templates.length === 1 ? "" : "s"}.`);
          } else setFailure(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error) || "Not saved.");
        }}
      >
        Save required forms
      </button>
    </section>
  );
}
