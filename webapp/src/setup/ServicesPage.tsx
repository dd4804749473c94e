import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import { Empty, Field, FormError, Loading, Select } from "../ui/Field";
import { Categories } from "./Categories";
import { CREDENTIALS, EditServiceDialog } from "./ServiceForm";

const CatalogDocument = graphql(`
  query Catalog {
    serviceCategories(first: 100) {
      edges {
        node {
          id
          name
          isActive
        }
      }
    }
    services(first: 100) {
      edges {
        node {
          id
          name
          description
          durationMinutes
          bufferBeforeMinutes
          bufferAfterMinutes
          priceCents
          currency
          isActive
          isBookableOnline
          requiredCredentials
          requiredResourceTypes {
            id
            name
          }
          category {
            id
            name
          }
        }
      }
    }
    resourceTypes(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const CreateCategoryDocument = graphql(`
  mutation CreateServiceCategory($input: CreateServiceCategoryInput!) {
    createServiceCategory(input: $input) {
      serviceCategory {
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

const CreateServiceDocument = graphql(`
  mutation CreateService($input: CreateServiceInput!) {
    createService(input: $input) {
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

const ProductsDocument = graphql(`
  query Products {
    products(first: 100) {
      edges {
        node {
          id
          name
          sku
          kind
          priceCents
          currency
          isActive
        }
      }
    }
  }
`);

const CreateProductDocument = graphql(`
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      product {
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

const UpdateServiceDocument = graphql(`
  mutation SetServiceActive($id: ID!, $isActive: Boolean!) {
    updateService(id: $id, input: { isActive: $isActive }) {
      service {
        id
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

function money(cents: number, currency: string) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}

export default function ServicesPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: CatalogDocument });
  const categories = (data?.serviceCategories?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const services = (data?.services?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const resourceTypes = (data?.resourceTypes?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const reload = () => refetch({ requestPolicy: "network-only" });
  const [, setActive] = useMutation(UpdateServiceDocument);
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const edited = services.find((s) => s.id === editing);
  return (
    <section className="page">
      <h1>Services</h1>
      <FormError message={requestError(error)} />
      {fetching && !data ? <Loading what="the menu" /> : null}
      <div className="columns">
        <NewCategory onDone={reload} />
        <NewService categories={categories.filter((c) => c.isActive)} onDone={reload} />
      </div>
      <Categories categories={categories} onDone={reload} />
      {status ? <p role="status">{status}</p> : null}
      {data && services.length === 0 ? <Empty>No services yet: add the first above.</Empty> : null}
      {services.length ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Category</th>
              <th scope="col">Minutes</th>
              <th scope="col">Buffers</th>
              <th scope="col">Price</th>
              <th scope="col">Performed by</th>
              <th scope="col">Needs</th>
              <th scope="col">Online</th>
              <th scope="col">Offered</th>
              <th scope="col">
                <span className="sr-only">Edit</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.category.name}</td>
                <td>{s.durationMinutes}</td>
                <td>
                  {s.bufferBeforeMinutes} + {s.bufferAfterMinutes}
                </td>
                <td>{money(s.priceCents, s.currency)}</td>
                <td>
                  {s.requiredCredentials.map((c) => CREDENTIALS.find(([k]) => k === c)?.[0] ?? c).join(", ") || "Anyone"}
                </td>
                <td>{s.requiredResourceTypes.map((t) => t.name).join(", ") || "—"}</td>
                <td>{s.isBookableOnline ? "Yes" : "No"}</td>
                <td>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={s.isActive}
                      onChange={async (e) => {
                        await setActive({ id: s.id, isActive: e.target.checked });
                        reload();
                      }}
                    />{" "}
                    <span className="sr-only">Offer {s.name}</span>
                  </label>
                </td>
                <td>
                  <button type="button" onClick={() => setEditing(s.id)}>
                    Edit <span className="sr-only">{s.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {edited ? (
        <EditServiceDialog
          service={edited}
          categories={categories.filter((c) => c.isActive || c.id === edited.category.id)}
          resourceTypes={resourceTypes}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setStatus(`${name} saved.`);
            reload();
          }}
        />
      ) : null}
      <Products />
    </section>
  );
}

function Products() {
  const [{ data }, refetch] = useQuery({ query: ProductsDocument });
  const products = (data?.products?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const [f, setF] = useState({ name: "", sku: "", kind: "RETAIL" as "RETAIL" | "SUPPLY", price: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, create] = useMutation(CreateProductDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({
      input: { name: f.name, sku: f.sku, kind: f.kind, priceCents: Math.round(Number.parseFloat(f.price || "0") * 100) },
    });
    const payload = result.data?.createProduct;
    if (payload?.product) {
      setF({ ...f, name: "", sku: "", price: "" });
      setErrors({});
      refetch({ requestPolicy: "network-only" });
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <div className="card">
      <h2>Products and supplies</h2>
      {data && products.length === 0 ? <Empty>No products yet.</Empty> : null}
      <ul>
        {products.map((p) => (
          <li key={p.id}>
            {p.name} <span className="muted">({p.sku}, {p.kind === "RETAIL" ? "retail" : "supply"}, {money(p.priceCents, p.currency)}{p.isActive ? "" : ", not sold"})</span>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} noValidate className="grid2">
        <Field label="Product name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} error={errors["name"]} />
        <Field label="SKU" value={f.sku} onChange={(e) => setF({ ...f, sku: e.target.value })} error={errors["sku"]} />
        <Select label="Product kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value === "SUPPLY" ? "SUPPLY" : "RETAIL" })}>
          <option value="RETAIL">Retail</option>
          <option value="SUPPLY">Medical supply</option>
        </Select>
        <Field label="Product price" type="number" min={0} step="0.01" value={f.price} onChange={(e) => setF({ ...f, price: e.target.value })} error={errors["priceCents"]} />
        <FormError message={errors[""]} />
        <div>
          <button type="submit" disabled={fetching}>
            Add product
          </button>
        </div>
      </form>
    </div>
  );
}

function NewCategory({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, create] = useMutation(CreateCategoryDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({ input: { name } });
    const payload = result.data?.createServiceCategory;
    if (payload?.serviceCategory) {
      setName("");
      setErrors({});
      onDone();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form className="card" onSubmit={submit} noValidate>
      <h2>New category</h2>
      <Field label="Category name" value={name} onChange={(e) => setName(e.target.value)} error={errors["name"]} />
      <FormError message={errors[""]} />
      <button type="submit" disabled={fetching}>
        Add category
      </button>
    </form>
  );
}

function NewService({ categories, onDone }: { categories: { id: string; name: string }[]; onDone: () => void }) {
  const [f, setF] = useState({ categoryId: "", name: "", duration: "60", price: "", online: false });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(CreateServiceDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const categoryId = f.categoryId || categories[0]?.id || "";
    const result = await create({
      input: {
        categoryId,
        name: f.name,
        durationMinutes: Number.parseInt(f.duration, 10) || 0,
        priceCents: Math.round(Number.parseFloat(f.price || "0") * 100),
        isBookableOnline: f.online,
      },
    });
    const payload = result.data?.createService;
    if (payload?.service) {
      setSaved(`${payload.service.name} is on the menu.`);
      setF({ ...f, name: "", price: "" });
      setErrors({});
      onDone();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form className="card" onSubmit={submit} noValidate>
      <h2>New service</h2>
      <Select label="Category" value={f.categoryId} onChange={(e) => setF({ ...f, categoryId: e.target.value })} error={errors["categoryId"]}>
        {categories.length === 0 ? <option value="">Add a category first</option> : null}
        {categories.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Select>
      <Field label="Service name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} error={errors["name"]} />
      <div className="grid2">
        <Field label="Minutes" type="number" min={5} step={5} value={f.duration} onChange={(e) => setF({ ...f, duration: e.target.value })} error={errors["durationMinutes"]} />
        <Field label="Price" type="number" min={0} step="0.01" value={f.price} onChange={(e) => setF({ ...f, price: e.target.value })} error={errors["priceCents"]} />
      </div>
      <label className="check">
        <input type="checkbox" checked={f.online} onChange={(e) => setF({ ...f, online: e.target.checked })} /> Clients may book it online
      </label>
      <FormError message={errors[""]} />
      {saved ? <p role="status">{saved}</p> : null}
      <button type="submit" className="primary" disabled={fetching}>
        Add service
      </button>
    </form>
  );
}
