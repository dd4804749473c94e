import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { useSession } from "../auth/AuthContext";
import { graphql } from "../gql";
import type { Role } from "../gql/graphql";
import { formatDateTime } from "../tz";
import { Empty, Field, FormError, Loading, Select } from "../ui/Field";

const TeamDocument = graphql(`
  query Team {
    members(includeInactive: true, first: 100) {
      edges {
        node {
          id
          name
          email
          role
          isActive
        }
      }
    }
    invitations(first: 100) {
      edges {
        node {
          id
          email
          role
          expiresAt
        }
      }
    }
  }
`);

const InviteDocument = graphql(`
  mutation InviteMember($email: String!, $role: Role!) {
    inviteMember(email: $email, role: $role) {
      invitation {
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

const RevokeDocument = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const ChangeRoleDocument = graphql(`
  mutation ChangeMemberRole($id: ID!, $role: Role!) {
    changeMemberRole(id: $id, role: $role) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const DeactivateDocument = graphql(`
  mutation DeactivateMember($id: ID!) {
    deactivateMember(id: $id) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const ReactivateDocument = graphql(`
  mutation ReactivateMember($id: ID!) {
    reactivateMember(id: $id) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const ROLES: [Role, string][] = [
  ["FRONT_DESK", "Front desk"],
  ["PROVIDER", "Provider"],
  ["MANAGER", "Manager"],
  ["OWNER", "Owner"],
];

export default function TeamPage() {
  const { me, spa } = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({ query: TeamDocument });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("FRONT_DESK");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<string | null>(null);
  const [inviteState, invite] = useMutation(InviteDocument);
  const [, revoke] = useMutation(RevokeDocument);
  const [, changeRole] = useMutation(ChangeRoleDocument);
  const [, deactivate] = useMutation(DeactivateDocument);
  const [, reactivate] = useMutation(ReactivateDocument);
  const [memberError, setMemberError] = useState<string | null>(null);
  async function memberAction(run: () => Promise<{ errors: readonly { message: string }[] } | null | undefined>) {
    const payload = await run();
    setMemberError(payload?.errors.map((e) => e.message).join(" ") || null);
    reload();
  }
  const members = (data?.members?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const invitations = (data?.invitations?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const reload = () => refetch({ requestPolicy: "network-only" });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await invite({ email, role });
    const payload = result.data?.inviteMember;
    if (payload?.invitation) {
      setSent(`Invitation sent to ${email}.`);
      setEmail("");
      setErrors({});
      reload();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  return (
    <section className="page">
      <h1>Team</h1>
      <FormError message={requestError(error)} />
      <form className="card" onSubmit={submit} noValidate>
        <h2>Invite someone</h2>
        <div className="grid2">
          <Field label="Their email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors["email"]} />
          <Select label="Their role" value={role} onChange={(e) => setRole(e.target.value as Role)} error={errors["role"]}>
            {ROLES.filter(([r]) => me.role === "OWNER" || r !== "OWNER").map(([r, label]) => (
              <option key={r} value={r}>
                {label}
              </option>
            ))}
          </Select>
        </div>
        <FormError message={errors[""]} />
        {sent ? <p role="status">{sent}</p> : null}
        <button type="submit" className="primary" disabled={inviteState.fetching}>
          Send invitation
        </button>
      </form>
      {fetching && !data ? <Loading what="the team" /> : null}
      <h2>Members</h2>
      <FormError message={memberError} />
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Active</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>{m.name}</td>
              <td>{m.email}</td>
              <td>
                {m.id === me.memberId || (m.role === "OWNER" && me.role !== "OWNER") ? (
                  ROLES.find(([r]) => r === m.role)?.[1]
                ) : (
                  <select
                    aria-label={`Role of ${m.name || m.email}`}
                    value={m.role}
                    onChange={(e) => void memberAction(async () => (await changeRole({ id: m.id, role: e.target.value as Role })).data?.changeMemberRole)}
                  >
                    {ROLES.filter(([r]) => me.role === "OWNER" || r !== "OWNER").map(([r, label]) => (
                      <option key={r} value={r}>
                        {label}
                      </option>
                    ))}
                  </select>
                )}
              </td>
              <td>{m.isActive ? "Yes" : "No"}</td>
              <td>
                {m.id === me.memberId ? null : m.isActive ? (
                  <button type="button" onClick={() => void memberAction(async () => (await deactivate({ id: m.id })).data?.deactivateMember)}>
                    Deactivate
                  </button>
                ) : (
                  <button type="button" onClick={() => void memberAction(async () => (await reactivate({ id: m.id })).data?.reactivateMember)}>
                    Reactivate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Pending invitations</h2>
      {invitations.length === 0 ? <Empty>No pending invitations.</Empty> : null}
      <ul className="pick-list">
        {invitations.map((i) => (
          <li key={i.id}>
            {i.email} · {ROLES.find(([r]) => r === i.role)?.[1]} · expires {formatDateTime(i.expiresAt, spa.timezone)}{" "}
            <button
              type="button"
              onClick={async () => {
                await revoke({ id: i.id });
                reload();
              }}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
