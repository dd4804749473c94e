import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { requestError } from "../api";
import { useSession } from "../auth/AuthContext";
import { graphql } from "../gql";
import { formatDateTime } from "../tz";
import { FormError, Loading } from "../ui/Field";

const BillingDocument = graphql(`
  query Billing {
    billing {
      status
      seats
      activeProviders
      trialEndsAt
      currentPeriodEnd
      cancelAtPeriodEnd
      hasBillingAccount
      plan {
        code
        name
        monthlyPriceCents
        currency
        includedProviderSeats
      }
    }
  }
`);

const PortalDocument = graphql(`
  mutation OpenBillingPortal {
    openBillingPortal {
      url
      errors {
        field
        code
        message
      }
    }
  }
`);

export default function BillingPage() {
  const { spa } = useSession();
  const [{ data, fetching, error }] = useQuery({ query: BillingDocument });
  const [portal, open] = useMutation(PortalDocument);
  const [portalError, setPortalError] = useState<string | null>(null);
  if (fetching && !data) return <Loading what="billing" />;
  const b = data?.billing;
  return (
    <section className="page">
      <h1>Billing</h1>
      <FormError message={requestError(error)} />
      {b ? (
        <div className="card">
          <dl className="details">
            <dt>Plan</dt>
            <dd>{b.plan?.name ?? "None"}</dd>
            <dt>Status</dt>
            <dd>{b.status ?? "—"}</dd>
            <dt>Seats</dt>
            <dd>
              {b.activeProviders} providers of {b.seats} seats
            </dd>
            {b.trialEndsAt ? (
              <>
                <dt>Trial ends</dt>
                <dd>{formatDateTime(b.trialEndsAt, spa.timezone)}</dd>
              </>
            ) : null}
            {b.currentPeriodEnd ? (
              <>
                <dt>Period ends</dt>
                <dd>{formatDateTime(b.currentPeriodEnd, spa.timezone)}</dd>
              </>
            ) : null}
          </dl>
          <p className="muted">Invoices, payment methods and cancellation are in the Stripe portal.</p>
          <FormError message={portalError} />
          <button
            type="button"
            className="primary"
            disabled={portal.fetching}
            onClick={async () => {
              const result = await open({});
              const payload = result.data?.openBillingPortal;
              if (payload?.url) window.location.assign(payload.url);
              else setPortalError(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error));
            }}
          >
            Open the billing portal
          </button>
        </div>
      ) : null}
    </section>
  );
}
