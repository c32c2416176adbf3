// A readable API reference rendered on the server from the generated OpenAPI document (no external scripts or CDNs).
import { html, raw } from 'hono/html';

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

/** The reference page's one inline stylesheet; its hash is the only style its Content-Security-Policy allows. */
export const DOCS_STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:16px;color:#1f2937}
h2{margin-top:2rem;font-size:1.1rem}code,pre{font:13px ui-monospace,monospace}pre{background:#f3f4f6;padding:8px;overflow:auto;max-height:24rem}
.m{display:inline-block;min-width:4rem;font-weight:700;color:#fff;background:#2563eb;border-radius:4px;text-align:center;margin-right:.5rem}
.m.POST,.m.PUT{background:#059669}.m.DELETE{background:#dc2626}table{border-collapse:collapse}td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:left}
details{margin:.25rem 0}`;

export function renderApiReference(document: unknown) {
  const doc = document as Document;
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  const schemaBlock = (schema: unknown) => html`<pre>${JSON.stringify(schema, null, 2)}</pre>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${doc.info.title} reference</title>
<style>${raw(DOCS_STYLE)}</style></head><body>
<h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
<p>${doc.info.description ?? ''}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Public pages: <code>GET /healthz</code>, <code>GET|POST /s/{surveyId}?unit=&amp;tp=&amp;lang=</code> (the respondent's survey form).</p>
${operations.map(
  ({ path, method, op }) => html`<section id="${method}-${path}">
<h2><span class="m ${method}">${method}</span><code>${path}</code></h2>
<p><strong>${op.summary ?? ''}</strong>${op.security?.length ? ' — needs a bearer token' : ''}</p>
${op.description ? html`<p>${op.description}</p>` : ''}
${op.parameters?.length
  ? html`<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>${op.parameters.map(
      (p) => html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td>${p.description ?? ''} ${raw('<code>')}${JSON.stringify(p.schema ?? {})}${raw('</code>')}</td></tr>`,
    )}</table>`
  : ''}
${op.requestBody?.content?.['application/json'] ? html`<details><summary>Request body</summary>${schemaBlock(op.requestBody.content['application/json'].schema)}</details>` : ''}
${Object.entries(op.responses ?? {}).map(
  ([status, r]) => html`<details><summary><code>${status}</code> ${r.description ?? ''}</summary>${r.content?.['application/json'] ? schemaBlock(r.content['application/json'].schema) : ''}</details>`,
)}
</section>`,
)}
<h2>Schemas</h2>
${Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => html`<details><summary><code>${name}</code></summary>${schemaBlock(schema)}</details>`)}
</body></html>`;
}
