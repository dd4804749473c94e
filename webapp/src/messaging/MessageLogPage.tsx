import { useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { requestError } from "../api";
import { useSession } from "../auth/AuthContext";
import type { MessageStatus } from "../gql/graphql";
import { formatDateTime } from "../tz";
import { Empty, FormError, Loading, Select } from "../ui/Field";
import { MessagesDocument } from "./documents";
import { CHANNEL_LABEL, KIND_LABEL, MESSAGE_STATUS_LABEL, reasonText } from "./labels";
import "./messaging.css";

/** The message log, newest first: what went to (or came from) patients, and
 * why a message was not sent. Front desk, managers and owners. */
export default function MessageLogPage() {
  const { spa } = useSession();
  const [status, setStatus] = useState<MessageStatus | "">("");
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <section className="page">
      <h1>Messages</h1>
      <div className="filters">
        <Select
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as MessageStatus | "");
            setPages([null]);
          }}
        >
          <option value="">All messages</option>
          {(Object.keys(MESSAGE_STATUS_LABEL) as MessageStatus[]).map((s) => (
            <option key={s} value={s}>
              {MESSAGE_STATUS_LABEL[s]}
            </option>
          ))}
        </Select>
      </div>
      <table className="list">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Client</th>
            <th scope="col">Message</th>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
            <th scope="col">Why not sent</th>
          </tr>
        </thead>
        {pages.map((after, i) => (
          <MessagePage
            key={after ?? "first"}
            status={status || null}
            after={after}
            tz={spa.timezone}
            last={i === pages.length - 1}
            onMore={(cursor) => setPages([...pages, cursor])}
          />
        ))}
      </table>
    </section>
  );
}

type PageProps = { status: MessageStatus | null; after: string | null; tz: string; last: boolean; onMore: (cursor: string) => void };

function MessagePage({ status, after, tz, last, onMore }: PageProps) {
  const [{ data, fetching, error }] = useQuery({ query: MessagesDocument, variables: { status, after } });
  const rows = (data?.messages?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const info = data?.messages?.pageInfo;
  return (
    <tbody>
      {fetching && !data ? (
        <tr>
          <td colSpan={6}>
            <Loading what="messages" />
          </td>
        </tr>
      ) : null}
      {error ? (
        <tr>
          <td colSpan={6}>
            <FormError message={requestError(error)} />
          </td>
        </tr>
      ) : null}
      {data && rows.length === 0 && after === null ? (
        <tr>
          <td colSpan={6}>
            <Empty>{status ? "No message with this status." : "No message yet."}</Empty>
          </td>
        </tr>
      ) : null}
      {rows.map((m) => (
        <tr key={m.id}>
          <td>{formatDateTime(m.sentAt ?? m.dueAt, tz)}</td>
          <td>{m.client ? <Link to={`/clients/${m.client.id}`}>{m.client.displayName}</Link> : <span className="muted">Unknown number</span>}</td>
          <td>
            {KIND_LABEL[m.kind]}
            {m.direction === "INBOUND" ? <span className="muted"> (received)</span> : null}
          </td>
          <td>{CHANNEL_LABEL[m.channel]}</td>
          <td>{MESSAGE_STATUS_LABEL[m.status]}</td>
          <td className="why">{reasonText(m.reason)}</td>
        </tr>
      ))}
      {last && info?.hasNextPage && info.endCursor ? (
        <tr>
          <td colSpan={6}>
            <button type="button" onClick={() => onMore(info.endCursor!)}>
              Show older messages
            </button>
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
