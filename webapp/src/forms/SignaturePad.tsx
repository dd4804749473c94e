import { useEffect, useId, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";

type Point = { x: number; y: number };

/** A drawn signature: a canvas taking mouse, pen and touch through pointer
 * events, with Clear. `onChange` gets a PNG data URL, or null once cleared.
 * The drawing is kept as strokes (in the canvas's own units) so a resize
 * redraws it. Keyboard users sign with the typed name beside it. */
export function SignaturePad({
  label,
  onChange,
  describedBy,
}: {
  label: string;
  onChange: (png: string | null) => void;
  describedBy?: string | undefined;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<Point[][]>([]);
  const drawing = useRef(false);
  const [empty, setEmpty] = useState(true);
  const hintId = useId();

  function context(): CanvasRenderingContext2D | null {
    const c = canvas.current;
    const ctx = c?.getContext?.("2d") ?? null;
    if (ctx) {
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#1d2327";
    }
    return ctx;
  }

  function redraw() {
    const c = canvas.current;
    const ctx = context();
    if (!c || !ctx) return;
    ctx.clearRect(0, 0, c.width, c.height);
    for (const stroke of strokes.current) {
      ctx.beginPath();
      stroke.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      if (stroke.length === 1 && stroke[0]) ctx.lineTo(stroke[0].x + 0.5, stroke[0].y + 0.5);
      ctx.stroke();
    }
  }

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    // The canvas's units follow its drawn size (sharp on any screen).
    const fit = () => {
      const box = c.getBoundingClientRect();
      if (box.width === 0) return;
      const scale = window.devicePixelRatio || 1;
      const width = Math.round(box.width * scale);
      if (c.width === width) return;
      const old = c.width || width;
      c.width = width;
      c.height = Math.round(box.height * scale);
      strokes.current = strokes.current.map((s) => s.map((p) => ({ x: (p.x * width) / old, y: (p.y * width) / old })));
      redraw();
    };
    fit();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(fit);
    observer.observe(c);
    return () => observer.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function at(event: ReactPointerEvent<HTMLCanvasElement>): Point {
    const c = event.currentTarget;
    const box = c.getBoundingClientRect();
    const sx = box.width ? c.width / box.width : 1;
    const sy = box.height ? c.height / box.height : 1;
    return { x: (event.clientX - box.left) * sx, y: (event.clientY - box.top) * sy };
  }

  function finish() {
    if (!drawing.current) return;
    drawing.current = false;
    setEmpty(strokes.current.length === 0);
    let png: string | null = null;
    try {
      png = canvas.current?.toDataURL("image/png") ?? null;
    } catch {
      png = null;
    }
    onChange(strokes.current.length ? png : null);
  }

  return (
    <div className="signature-pad">
      <canvas
        ref={canvas}
        role="img"
        aria-label={empty ? `${label}: empty` : `${label}: signed`}
        aria-describedby={[hintId, describedBy].filter(Boolean).join(" ")}
        onPointerDown={(e) => {
          e.preventDefault();
          e.currentTarget.setPointerCapture?.(e.pointerId);
          drawing.current = true;
          strokes.current.push([at(e)]);
          redraw();
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          strokes.current[strokes.current.length - 1]?.push(at(e));
          redraw();
        }}
        onPointerUp={finish}
        onPointerCancel={finish}
        onPointerLeave={finish}
      />
      <div className="signature-pad-bar">
        <span id={hintId} className="hint">
          Optional: draw with your finger, pen or mouse, or just type your name below.
        </span>
        <button
          type="button"
          disabled={empty}
          onClick={() => {
            strokes.current = [];
            redraw();
            setEmpty(true);
            onChange(null);
          }}
        >
          Clear signature
        </button>
      </div>
    </div>
  );
}
