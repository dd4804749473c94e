import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import { Empty, Field, FormError } from "../ui/Field";

const UpdateCategoryDocument = graphql(`
  mutation UpdateServiceCategory($id: ID!, $input: UpdateServiceCategoryInput!) {
    updateServiceCategory(id: $id, input: $input) {
      serviceCategory {
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

type Category = { id: string; name: string; isActive: boolean };

/** The menu's categories: rename one, take one off the menu (archive: kept for
 * the record, its services no longer offered under it) or put it back. */
export function Categories({ categories, onDone }: { categories: Category[]; onDone: () => void }) {
  return (
    <div className="card">
      <h2>Categories</h2>
      {categories.length === 0 ? <Empty>No categories yet.</Empty> : null}
      <ul className="pick-list">
        {categories.map((c) => (
          <CategoryRow key={c.id} category={c} onDone={onDone} />
        ))}
      </ul>
    </div>
  );
}

function CategoryRow({ category: c, onDone }: { category: Category; onDone: () => void }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(c.name);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, update] = useMutation(UpdateCategoryDocument);
  async function save(input: { name?: string; isActive?: boolean }) {
    const result = await update({ id: c.id, input });
    const payload = result.data?.updateServiceCategory;
    if (payload?.serviceCategory) {
      setErrors({});
      setRenaming(false);
      onDone();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    void save({ name });
  }
  return (
    <li>
      {renaming ? (
        <form onSubmit={submit} noValidate className="inline-form">
          <Field label={`New name for ${c.name}`} value={name} onChange={(e) => setName(e.target.value)} error={errors["name"]} />
          <button type="submit" className="primary" disabled={fetching}>
            Save name
          </button>
          <button
            type="button"
            onClick={() => {
              setRenaming(false);
              setName(c.name);
              setErrors({});
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <>
          {c.name} {c.isActive ? null : <span className="badge">archived</span>}{" "}
          <button type="button" onClick={() => setRenaming(true)}>
            Rename <span className="sr-only">{c.name}</span>
          </button>{" "}
          <button type="button" disabled={fetching} onClick={() => void save({ isActive: !c.isActive })}>
            {c.isActive ? "Archive" : "Restore"} <span className="sr-only">{c.name}</span>
          </button>
        </>
      )}
      <FormError message={errors[""] ?? errors["id"] ?? errors["isActive"]} />
    </li>
  );
}
