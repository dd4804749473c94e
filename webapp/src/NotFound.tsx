import { Link } from "react-router";

export function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>There is nothing at this address, or it is not open to your role.</p>
      <p>
        <Link to="/calendar">Go to the calendar</Link>
      </p>
    </section>
  );
}
