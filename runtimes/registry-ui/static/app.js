// mesh registry browser: a hash-routed page over the JSON API of runtimes/registry-ui/server.ts.
// Everything the registry supplies is untrusted text: it reaches the DOM only as text nodes
// (textContent / createTextNode), attribute values we build ourselves, or chart labels
// (canvas text). No innerHTML, no inline script or style (the CSP forbids both).
(() => {
  const main = document.getElementById("main");
  const crumbs = document.getElementById("crumbs");
  const errorBox = document.getElementById("error");
  const uriBox = document.getElementById("registry-uri");
  const PAGE = 25;
  const COLORS = ["#2457a6", "#d9822b", "#1c7c3c", "#b3261e", "#7b4fb5", "#0f8b8d", "#8a5300", "#c2185b"];
  let charts = [];
  let generation = 0;

  /** Element builder: attrs are set as properties/attributes we control; children become text nodes. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "href") el.setAttribute("href", v);
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else el.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const enc = encodeURIComponent;
  const link = (href, text, cls) => h("a", { href, class: cls }, text);
  const projectHref = (p) => `#/p/${enc(p)}`;
  const versionHref = (p, id) => `#/p/${enc(p)}/v/${enc(id)}`;
  const datasetHref = (p, name, n) => `#/p/${enc(p)}/d/${enc(name)}/${enc(String(n))}`;
  const compareHref = (p, a, b) => `#/p/${enc(p)}/compare/${enc(a)}/${enc(b)}`;
  const datasetIdParts = (id) => {
    const m = /^(.*)-([1-9][0-9]*)$/.exec(id);
    return m ? { name: m[1], version: Number(m[2]) } : undefined;
  };

  function fmt(v) {
    if (typeof v !== "number") return v === null || v === undefined ? "–" : String(v);
    if (Number.isInteger(v)) return v.toLocaleString("en-US");
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
    return v.toFixed(4);
  }
  const fmtDelta = (d) => (d === null ? "–" : `${d > 0 ? "+" : ""}${fmt(d)}`);
  const when = (iso) => (typeof iso === "string" ? iso.replace("T", " ").replace(/\.\d+Z$/, " UTC") : "–");

  async function api(path) {
    const res = await fetch(`/api/${path}`, { headers: { accept: "application/json" } });
    const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
    if (!res.ok) throw new Error(body && typeof body.error === "string" ? body.error : `HTTP ${res.status}`);
    return body;
  }

  function showError(err) {
    errorBox.hidden = false;
    errorBox.textContent = err instanceof Error ? err.message : String(err);
  }

  function setCrumbs(parts) {
    crumbs.replaceChildren();
    parts.forEach((p, i) => {
      if (i > 0) crumbs.appendChild(h("span", { class: "sep" }, "/"));
      crumbs.appendChild(p.href ? link(p.href, p.text) : h("span", {}, p.text));
    });
  }

  function panel(title, ...body) {
    return h("section", { class: "panel" }, title ? h("h2", {}, title) : null, ...body);
  }

  function kvTable(rows) {
    return h(
      "table",
      { class: "kv" },
      h(
        "tbody",
        {},
        rows.filter(Boolean).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v instanceof Node ? v : fmt(v)))),
      ),
    );
  }

  /** Any JSON value as readable text (one line when short, indented when long), inert. */
  function jsonText(v) {
    if (typeof v === "string") return h("span", { class: "wrap" }, v);
    const flat = JSON.stringify(v);
    return h("span", { class: "mono wrap" }, flat.length <= 100 ? flat : JSON.stringify(v, null, 1));
  }

  function destroyCharts() {
    for (const c of charts) c.destroy();
    charts = [];
  }

  /** Queues a chart; charts are drawn once their canvas is in the document (Chart.js measures its parent). */
  let pending = [];
  function chart(container, config) {
    const canvas = h("canvas", { role: "img", "aria-label": config.label || "chart" });
    container.appendChild(canvas);
    pending.push({ canvas, container, config });
  }

  function drawCharts() {
    const queue = pending;
    pending = [];
    for (const { canvas, container, config } of queue) {
      if (typeof window.Chart !== "function") {
        container.appendChild(h("p", { class: "muted" }, "chart.js did not load"));
        continue;
      }
      charts.push(
        new window.Chart(canvas, {
          type: config.type,
          data: config.data,
          options: Object.assign(
            {
              animation: false,
              responsive: true,
              maintainAspectRatio: false,
              plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } }, title: config.title ? { display: true, text: config.title } : { display: false } },
            },
            config.options || {},
          ),
        }),
      );
    }
  }

  // ---------- views ----------

  async function viewHome() {
    setCrumbs([{ text: "projects" }]);
    const data = await api(`projects?limit=100`);
    const list = data.projects.length
      ? h(
          "ul",
          {},
          data.projects.map((p) => h("li", {}, link(projectHref(p), p))),
        )
      : h("p", { class: "muted" }, "The registry holds no projects yet. Run mesh run NAME to train and register one.");
    return [h("h1", {}, "Projects"), panel(null, list, data.total > data.projects.length ? h("p", { class: "muted" }, `${data.total} projects; showing the first ${data.projects.length}.`) : null)];
  }

  function pagedTable(project, kind, name, count, columns, row) {
    const wrap = h("div", {});
    const status = h("span", { class: "muted" });
    const prev = h("button", { type: "button" }, "← newer");
    const next = h("button", { type: "button" }, "older →");
    const tbody = h("tbody", {});
    const table = h(
      "table",
      { "data-list": `${kind}:${name}` },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { class: c.num ? "num" : undefined }, c.title)),
        ),
      ),
      tbody,
    );
    let offset = 0;
    const gen = generation;
    async function load() {
      const path = kind === "model" ? `projects/${enc(project)}/models/${enc(name)}/versions` : `projects/${enc(project)}/datasets/${enc(name)}/versions`;
      const data = await api(`${path}?offset=${offset}&limit=${PAGE}`);
      if (gen !== generation) return;
      tbody.replaceChildren(...data.rows.map(row));
      status.textContent = data.total === 0 ? "no versions" : `${offset + 1}–${offset + data.rows.length} of ${data.total.toLocaleString("en-US")} (newest first)`;
      prev.disabled = offset === 0;
      next.disabled = offset + data.rows.length >= data.total;
    }
    prev.addEventListener("click", () => {
      offset = Math.max(0, offset - PAGE);
      load().catch(showError);
    });
    next.addEventListener("click", () => {
      offset += PAGE;
      load().catch(showError);
    });
    wrap.append(table, count > PAGE ? h("div", { class: "pager" }, prev, next, status) : h("div", { class: "pager" }, status));
    load().catch(showError);
    return wrap;
  }

  const HEADLINE = ["accuracy", "macro_f1", "log_loss", "validation.maxAbsDiff", "validation.labelAgreement", "goldenSamples"];

  async function viewProject(project) {
    setCrumbs([{ text: "projects", href: "#/" }, { text: project }]);
    const data = await api(`projects/${enc(project)}`);
    const out = [h("h1", {}, project)];

    const aliasBody = !data.aliasesSupported
      ? h("p", { class: "muted" }, "This registry has no alias support.")
      : data.aliases.length === 0
        ? h("p", { class: "muted" }, "No aliases yet. Promote a version with the command on its page.")
        : h(
            "table",
            { "data-list": "aliases" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["alias", "points at", "since", "by", "reason"].map((t) => h("th", {}, t)),
              ),
            ),
            h(
              "tbody",
              {},
              data.aliases.map((a) =>
                h(
                  "tr",
                  {},
                  h("td", {}, h("span", { class: "badge alias" }, a.alias)),
                  h("td", {}, link(versionHref(project, a.target), a.target)),
                  h("td", {}, when(a.since)),
                  h("td", {}, a.by),
                  h("td", {}, a.reason || ""),
                ),
              ),
            ),
          );
    out.push(panel("Aliases", aliasBody, data.aliasesSupported ? h("p", {}, link(`#/p/${enc(project)}/aliases`, "alias history →")) : null));

    const selected = new Set();
    const compareBtn = h("button", { type: "button", disabled: true, "data-action": "compare" }, "Compare the two selected versions");
    compareBtn.addEventListener("click", () => {
      const [a, b] = [...selected];
      if (a && b) location.hash = compareHref(project, a, b);
    });
    const pick = (id) => {
      const box = h("input", { type: "checkbox", "aria-label": `select ${id} for comparison`, "data-compare": id });
      box.addEventListener("change", () => {
        if (box.checked) selected.add(id);
        else selected.delete(id);
        compareBtn.disabled = selected.size !== 2;
      });
      return box;
    };

    for (const m of data.models) {
      const columns = [{ title: "" }, { title: "version" }, { title: "created" }, { title: "aliases" }, { title: "parent / target" }, ...HEADLINE.slice(0, 4).map((t) => ({ title: t, num: true }))];
      const row = (r) =>
        h(
          "tr",
          { "data-id": r.id },
          h("td", {}, pick(r.id)),
          h("td", {}, link(versionHref(project, r.id), r.id)),
          h("td", {}, when(r.createdAt)),
          h(
            "td",
            {},
            (r.aliases || []).map((a) => h("span", { class: "badge alias" }, a)),
          ),
          h("td", {}, r.parent ? link(versionHref(project, r.parent), r.parent) : "", r.target ? ` (${r.target})` : "", r.error ? h("span", { class: "error-text" }, r.error) : ""),
          HEADLINE.slice(0, 4).map((k) => h("td", { class: "num" }, fmt(r.metrics[k]))),
        );
      out.push(panel(`${m.name} · ${m.count.toLocaleString("en-US")} version${m.count === 1 ? "" : "s"}`, pagedTable(project, "model", m.name, m.count, columns, row)));
    }
    if (data.models.length) out.splice(2, 0, h("div", { class: "toolbar" }, compareBtn, h("span", { class: "muted" }, "tick two versions below")));
    for (const d of data.datasets) {
      const columns = [{ title: "version" }, { title: "created" }, { title: "rows", num: true }, { title: "sha256" }];
      const row = (r) =>
        h(
          "tr",
          { "data-id": r.id },
          h("td", {}, link(datasetHref(project, d.name, r.version), r.id)),
          h("td", {}, when(r.createdAt)),
          h("td", { class: "num" }, fmt(r.rows)),
          h("td", { class: "sha" }, r.sha256),
        );
      out.push(panel(`dataset ${d.name} · ${d.count.toLocaleString("en-US")} version${d.count === 1 ? "" : "s"}`, pagedTable(project, "dataset", d.name, d.count, columns, row)));
    }
    if (!data.models.length && !data.datasets.length) out.push(panel(null, h("p", { class: "muted" }, "No models or datasets in this project yet.")));
    return out;
  }

  function lineageGraph(project, v) {
    const node = (kind, text, href, current) =>
      h("div", { class: current ? "node current" : "node", "data-node": kind }, h("span", { class: "kind" }, kind), href && !current ? link(href, text) : h("span", {}, text));
    const arrow = () => h("span", { class: "arrow", "aria-hidden": "true" }, "→");
    const cols = [];
    const ds = v.lineage.dataset ? datasetIdParts(v.lineage.dataset) : undefined;
    if (v.lineage.dataset) cols.push(h("div", { class: "col" }, node("dataset", v.lineage.dataset, ds ? datasetHref(project, v.lineage.datasetName, v.lineage.datasetVersion) : undefined)));
    if (v.card.type === "compiled") {
      if (v.lineage.parent) cols.push(h("div", { class: "col" }, node("trained", v.lineage.parent, versionHref(project, v.lineage.parent))));
      cols.push(h("div", { class: "col" }, node("compiled", v.id, null, true)));
    } else {
      cols.push(h("div", { class: "col" }, node("trained", v.id, null, true)));
      if (v.lineage.children.length)
        cols.push(
          h(
            "div",
            { class: "col" },
            v.lineage.children.map((c) => node("compiled", c, c.includes("/") ? undefined : versionHref(project, c))),
          ),
        );
    }
    if (v.aliases.length)
      cols.push(
        h(
          "div",
          { class: "col" },
          v.aliases.map((a) => node("alias", a.alias, projectHref(project))),
        ),
      );
    const parts = [];
    cols.forEach((c, i) => {
      if (i > 0) parts.push(arrow());
      parts.push(c);
    });
    return h("div", { class: "lineage", "data-lineage": "" }, parts);
  }

  function curveCharts(record, from, own) {
    const curves = record && record.curves;
    if (!curves || !curves.epochs || !curves.epochs.length) return null;
    const labels = curves.epochs.map((e) => e.epoch);
    const series = (key) => curves.epochs.map((e) => (typeof e[key] === "number" ? e[key] : null));
    const hasVal = curves.epochs.some((e) => typeof e.val_loss === "number");
    const lossBox = h("div", { class: "chart", "data-chart": "loss" });
    const accBox = h("div", { class: "chart", "data-chart": "accuracy" });
    const radius = labels.length > 40 ? 0 : 2;
    const ds = (label, data, color, dash) => ({ label, data, borderColor: color, backgroundColor: color, borderDash: dash ? [5, 4] : [], pointRadius: radius, tension: 0.2, spanGaps: true });
    chart(lossBox, {
      type: "line",
      label: "loss per epoch",
      title: "loss",
      data: { labels, datasets: [ds("train", series("loss"), COLORS[0]), hasVal ? ds("validation", series("val_loss"), COLORS[1], true) : null].filter(Boolean) },
      options: { scales: { x: { title: { display: true, text: "epoch" } } } },
    });
    chart(accBox, {
      type: "line",
      label: "accuracy per epoch",
      title: "accuracy",
      data: { labels, datasets: [ds("train", series("accuracy"), COLORS[0]), hasVal ? ds("validation", series("val_accuracy"), COLORS[1], true) : null].filter(Boolean) },
      options: { scales: { x: { title: { display: true, text: "epoch" } } } },
    });
    return panel(
      "Training curves",
      own ? null : h("p", { class: "muted" }, "From the trained parent ", from, "."),
      h("p", { class: "muted" }, `${curves.epochs.length} epochs; weights kept from epoch ${curves.bestEpoch}.`),
      h("div", { class: "grid" }, lossBox, accBox),
    );
  }

  function confusionPanel(record) {
    const ev = record && record.evaluation;
    if (!ev || !Array.isArray(ev.matrix) || !ev.matrix.length) return null;
    const max = Math.max(1, ...ev.matrix.flat());
    const table = h(
      "table",
      { class: "heat", "data-confusion": "" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { class: "corner" }, "true ↓ / predicted →"),
          ev.labels.map((l) => h("th", {}, l)),
        ),
      ),
      h(
        "tbody",
        {},
        ev.matrix.map((row, i) =>
          h(
            "tr",
            {},
            h("th", {}, ev.labels[i]),
            row.map((n, j) => {
              const cell = h("td", { class: i === j ? "cell diag" : "cell" }, fmt(n));
              // CSSOM, not a style attribute: allowed by the CSP.
              const a = n / max;
              cell.style.backgroundColor = i === j ? `rgba(28, 124, 60, ${0.12 + 0.6 * a})` : `rgba(179, 38, 30, ${n ? 0.1 + 0.6 * a : 0})`;
              if (a > 0.6) cell.style.color = "#fff";
              return cell;
            }),
          ),
        ),
      ),
    );
    const box = h("div", { class: "chart", "data-chart": "confusion" });
    chart(box, {
      type: "bar",
      label: "confusion matrix: predicted label per true label",
      title: "predicted label per true label",
      data: { labels: ev.labels.map(String), datasets: ev.labels.map((l, j) => ({ label: `predicted ${l}`, data: ev.matrix.map((row) => row[j]), backgroundColor: COLORS[j % COLORS.length] })) },
      options: { scales: { x: { stacked: true, title: { display: true, text: "true label" } }, y: { stacked: true, title: { display: true, text: "rows" } } } },
    });
    const per = h(
      "table",
      { "data-per-class": "" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["label", "precision", "recall", "F1", "support"].map((t, i) => h("th", { class: i ? "num" : undefined }, t)),
        ),
      ),
      h(
        "tbody",
        {},
        (ev.perClass || []).map((c) =>
          h(
            "tr",
            {},
            h("td", {}, c.label),
            h("td", { class: "num" }, fmt(c.precision)),
            h("td", { class: "num" }, fmt(c.recall)),
            h("td", { class: "num" }, fmt(c.f1)),
            h("td", { class: "num" }, fmt(c.support)),
          ),
        ),
      ),
    );
    return panel(`Held-out evaluation · ${fmt(ev.rows)} rows`, h("div", { class: "grid" }, h("div", {}, table, h("h3", {}, "per class"), per), box));
  }

  function datasetPanel(project, record, card) {
    const d = record && record.dataset;
    if (!d) return null;
    const balance = Object.entries(d.labels || {});
    const box = h("div", { class: "chart small", "data-chart": "balance" });
    const splits = Object.entries(d.splits || {});
    chart(box, {
      type: "bar",
      label: "label balance",
      title: "rows per label",
      data: {
        labels: balance.map(([l]) => l),
        datasets: splits.length
          ? splits.map(([name, s], i) => ({ label: name, data: balance.map(([l]) => (s.labels && typeof s.labels[l] === "number" ? s.labels[l] : 0)), backgroundColor: COLORS[i % COLORS.length] }))
          : [{ label: "rows", data: balance.map(([, n]) => n), backgroundColor: COLORS[0] }],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true } } },
    });
    const ds = card.dataset;
    return panel(
      "Dataset",
      h(
        "div",
        { class: "grid" },
        kvTable([
          ["version", ds ? link(datasetHref(project, ds.name, ds.version), d.id) : d.id],
          ["rows", d.rows],
          ["sha256", h("span", { class: "sha" }, d.sha256)],
          ...splits.map(([n, s]) => [`${n} rows`, s.rows]),
        ]),
        box,
      ),
    );
  }

  function goldenPanel(g) {
    if (!g) return null;
    if (!g.rows.length) return panel("Golden inputs and predictions", h("p", { class: "muted" }, g.note || "none"));
    return panel(
      `Golden inputs and predictions · ${g.rows.length} of ${fmt(g.total)}`,
      h(
        "table",
        { "data-golden": "" },
        h("thead", {}, h("tr", {}, h("th", {}, "input"), h("th", {}, "prediction"))),
        h(
          "tbody",
          {},
          g.rows.map((r) =>
            h("tr", {}, h("td", {}, jsonText(r.input)), h("td", { class: "mono" }, r.prediction.map((x) => fmt(x)).join(", ") + (r.values > r.prediction.length ? ` … (${r.values} values)` : ""))),
          ),
        ),
      ),
    );
  }

  function tensorsPanel(t) {
    if (!t) return null;
    if (t.error) return panel("Tensors", h("p", { class: "muted" }, t.error));
    const rows = [...t.inputs.map((x) => ["input", x]), ...t.outputs.map((x) => ["output", x])];
    return panel(
      "Tensors",
      h(
        "table",
        { "data-tensors": "" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["", "name", "type", "shape"].map((x) => h("th", {}, x)),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map(([k, x]) =>
            h("tr", {}, h("td", {}, k), h("td", { class: "mono" }, x.name), h("td", {}, x.datatype), h("td", { class: "mono" }, `[${x.shape.map((d) => (d < 0 ? "?" : d)).join(", ")}]`)),
          ),
        ),
      ),
    );
  }

  function commandBox(cmd) {
    const pre = h("pre", { class: "cmd", "data-command": "promote" }, cmd);
    const copy = h("button", { type: "button" }, "copy");
    copy.addEventListener("click", () => {
      if (navigator.clipboard)
        navigator.clipboard.writeText(cmd).then(
          () => (copy.textContent = "copied"),
          () => (copy.textContent = "copy failed"),
        );
    });
    return h("div", {}, pre, copy);
  }

  function previousId(id) {
    const m = /^(.*)-([1-9][0-9]*)$/.exec(id);
    return m && Number(m[2]) > 1 ? `${m[1]}-${Number(m[2]) - 1}` : undefined;
  }

  async function viewVersion(project, id) {
    setCrumbs([{ text: "projects", href: "#/" }, { text: project, href: projectHref(project) }, { text: id }]);
    const v = await api(`projects/${enc(project)}/versions/${enc(id)}`);
    const c = v.card;
    const out = [
      h(
        "h1",
        {},
        id,
        " ",
        h("span", { class: `badge type-${c.type}` }, c.type),
        v.aliases.map((a) => h("span", { class: "badge alias" }, a.alias)),
      ),
      panel("Lineage", lineageGraph(project, v)),
    ];
    const prev = previousId(id);
    const cardRows = [
      ["created", when(c.createdAt)],
      ["spec hash", h("span", { class: "sha" }, c.specHash)],
      c.dataset
        ? ["dataset", h("span", {}, link(datasetHref(project, c.dataset.name, c.dataset.version), `${c.dataset.name}-${c.dataset.version}`), " ", h("span", { class: "sha" }, c.dataset.sha256))]
        : null,
      c.parent ? ["parent", link(versionHref(project, c.parent), c.parent)] : null,
      c.target ? ["compile target", jsonText(c.target)] : null,
      ["tool version", c.toolVersion],
      c.inputsHash ? ["inputs hash", h("span", { class: "sha" }, c.inputsHash)] : null,
    ];
    const metricRows = Object.entries(v.metrics).map(([k, n]) => [k, n]);
    out.push(
      h(
        "div",
        { class: "grid" },
        panel("Card", kvTable(cardRows), prev ? h("p", {}, link(compareHref(project, prev, id), `compare with ${prev} →`)) : null),
        panel("Metrics", metricRows.length ? h("div", { "data-metrics": "" }, kvTable(metricRows)) : h("p", { class: "muted" }, "none recorded")),
      ),
    );
    const own = v.trainingFrom === id;
    const extra = [curveCharts(v.training, v.trainingFrom, own), confusionPanel(v.training), datasetPanel(project, v.training, c)].filter(Boolean);
    if (!extra.length)
      out.push(
        panel(
          "Training record",
          h(
            "p",
            { class: "muted" },
            v.training && typeof v.training.samples === "number"
              ? `Not trained by mesh (pretrained): ${v.training.samples} sample documents recorded as golden files.`
              : "This card has no training curves or evaluation (written before they were recorded, or by a trainer that has none).",
          ),
        ),
      );
    out.push(...extra);
    const params = Object.entries(c.params || {});
    out.push(panel("Parameters", params.length ? h("div", { "data-params": "" }, kvTable(params.map(([k, p]) => [k, typeof p === "number" ? p : jsonText(p)]))) : h("p", { class: "muted" }, "none")));
    out.push(tensorsPanel(v.tensors), goldenPanel(v.golden));
    out.push(
      panel(
        "Files",
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, h("th", {}, "path"), h("th", { class: "num" }, "bytes"), h("th", {}, "sha256"))),
          h(
            "tbody",
            {},
            Object.entries(c.files).map(([p, sha]) => h("tr", {}, h("td", { class: "mono" }, p), h("td", { class: "num" }, fmt(c.sizes ? c.sizes[p] : undefined)), h("td", { class: "sha" }, sha))),
          ),
        ),
      ),
    );
    out.push(
      panel(
        "Promote",
        v.promote
          ? [h("p", {}, "Promotion is a CLI action. To point the production alias at this version:"), commandBox(v.promote)]
          : h("p", { class: "muted" }, "This version holds no model.onnx, so mesh serve cannot serve it and it cannot be promoted."),
      ),
    );
    return out.filter(Boolean);
  }

  async function viewDataset(project, name, version) {
    setCrumbs([{ text: "projects", href: "#/" }, { text: project, href: projectHref(project) }, { text: `${name}-${version}` }]);
    const d = await api(`projects/${enc(project)}/datasets/${enc(name)}/${enc(version)}`);
    const c = d.card;
    const stats = c.stats || {};
    const out = [h("h1", {}, d.id, " ", h("span", { class: "badge" }, "dataset"))];
    const source = stats.source && typeof stats.source.id === "string" ? datasetIdParts(stats.source.id) : undefined;
    const shown = new Set(["rows", "labels", "splits", "source"]);
    out.push(
      panel(
        "Card",
        kvTable([
          ["created", when(c.createdAt)],
          ["rows", c.rows],
          ["sha256", h("span", { class: "sha" }, c.sha256)],
          source ? ["source", h("span", {}, link(datasetHref(project, source.name, source.version), stats.source.id), " ", h("span", { class: "sha" }, String(stats.source.sha256 || "")))] : null,
          ...Object.entries(stats)
            .filter(([k]) => !shown.has(k))
            .map(([k, s]) => [k, typeof s === "number" ? s : jsonText(s)]),
        ]),
      ),
    );
    const labels = stats.labels && typeof stats.labels === "object" ? Object.keys(stats.labels) : [];
    const splits = stats.splits && typeof stats.splits === "object" ? Object.entries(stats.splits) : [];
    if (labels.length) {
      const count = (table, l) => (table && typeof table[l] === "number" ? table[l] : 0);
      const box = h("div", { class: "chart small", "data-chart": "dataset-balance" });
      chart(box, {
        type: "bar",
        label: "label balance",
        title: "rows per label",
        data: {
          labels,
          datasets: (splits.length ? splits : [["rows", { labels: stats.labels }]]).map(([name, sp], i) => ({
            label: name,
            data: labels.map((l) => count(sp && sp.labels, l)),
            backgroundColor: COLORS[i % COLORS.length],
          })),
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true } } },
      });
      const table = h(
        "table",
        { "data-balance": "" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "label"),
            splits.map(([n]) => h("th", { class: "num" }, n)),
            h("th", { class: "num" }, "total"),
          ),
        ),
        h(
          "tbody",
          {},
          labels.map((l) =>
            h(
              "tr",
              {},
              h("td", {}, l),
              splits.map(([, sp]) => h("td", { class: "num" }, fmt(count(sp && sp.labels, l)))),
              h("td", { class: "num" }, fmt(count(stats.labels, l))),
            ),
          ),
          h(
            "tr",
            {},
            h("th", {}, "rows"),
            splits.map(([, sp]) => h("th", { class: "num" }, fmt(sp && sp.rows))),
            h("th", { class: "num" }, fmt(c.rows)),
          ),
        ),
      );
      out.push(panel("Label balance", h("div", { class: "grid" }, table, box)));
    }
    out.push(
      panel(
        "Trained on this version",
        d.trainedOn.length
          ? h(
              "ul",
              { "data-trained-on": "" },
              d.trainedOn.map((t) => h("li", {}, link(versionHref(project, t), t))),
            )
          : h("p", { class: "muted" }, "No trained version names it."),
        d.scanned < d.totalTrained ? h("p", { class: "muted" }, `Looked at the newest ${d.scanned} of ${d.totalTrained} trained versions.`) : null,
      ),
    );
    return out;
  }

  async function viewCompare(project, a, b) {
    setCrumbs([{ text: "projects", href: "#/" }, { text: project, href: projectHref(project) }, { text: `${a} vs ${b}` }]);
    const d = await api(`projects/${enc(project)}/compare?a=${enc(a)}&b=${enc(b)}`);
    const out = [h("h1", {}, "Compare ", link(versionHref(project, a), a), " → ", link(versionHref(project, b), b))];
    // Only quality metrics get a colour: for them a direction is better; counts and epochs have none.
    const direction = (n) => (/^(accuracy|macro_f1|validation\.labelAgreement)$/.test(n) ? 1 : /^(log_loss|onnxParityMaxAbsDiff|validation\.maxAbsDiff)$/.test(n) ? -1 : 0);
    out.push(
      panel(
        "Metrics (Δ = B − A)",
        h(
          "table",
          { "data-compare-metrics": "" },
          h("thead", {}, h("tr", {}, h("th", {}, "metric"), h("th", { class: "num" }, a), h("th", { class: "num" }, b), h("th", { class: "num" }, "Δ"))),
          h(
            "tbody",
            {},
            d.metrics.map((m) => {
              const sign = m.delta === null || m.delta === 0 ? 0 : Math.sign(m.delta) * direction(m.name);
              const better = sign > 0 ? "delta-up" : sign < 0 ? "delta-down" : "";
              return h(
                "tr",
                { "data-metric": m.name },
                h("td", {}, m.name),
                h("td", { class: "num" }, fmt(m.a)),
                h("td", { class: "num" }, fmt(m.b)),
                h("td", { class: `num ${better}`, "data-delta": m.delta === null ? "" : String(m.delta) }, fmtDelta(m.delta)),
              );
            }),
          ),
        ),
      ),
    );
    if (d.perClassF1 && d.perClassF1.length) {
      out.push(
        panel(
          "Per-class F1 on the held-out split (Δ = B − A)",
          h(
            "table",
            { "data-compare-per-class": "" },
            h("thead", {}, h("tr", {}, h("th", {}, "label"), h("th", { class: "num" }, a), h("th", { class: "num" }, b), h("th", { class: "num" }, "Δ"))),
            h(
              "tbody",
              {},
              d.perClassF1.map((c) =>
                h(
                  "tr",
                  { "data-label": c.label },
                  h("td", {}, c.label),
                  h("td", { class: "num" }, fmt(c.a)),
                  h("td", { class: "num" }, fmt(c.b)),
                  h("td", { class: `num ${c.delta > 0 ? "delta-up" : c.delta < 0 ? "delta-down" : ""}`, "data-delta": String(c.delta) }, fmtDelta(c.delta)),
                ),
              ),
            ),
          ),
        ),
      );
    }
    const sides = [d.a, d.b].filter((s) => s.curves && s.curves.epochs.length);
    if (sides.length) {
      const epochs = Math.max(...sides.map((s) => s.curves.epochs.length));
      const labels = Array.from({ length: epochs }, (_, i) => i + 1);
      const sets = (key) =>
        sides.flatMap((s, i) => {
          const val = key === "loss" ? "val_loss" : "val_accuracy";
          const pick = (k) => s.curves.epochs.map((e) => (typeof e[k] === "number" ? e[k] : null));
          // One colour per version; validation dashed.
          const base = { borderColor: COLORS[i], backgroundColor: COLORS[i], pointRadius: epochs > 40 ? 0 : 1.5, tension: 0.2, spanGaps: true };
          return [Object.assign({ label: `${s.id} train`, data: pick(key) }, base), Object.assign({ label: `${s.id} validation`, data: pick(val), borderDash: [5, 4] }, base)];
        });
      const lossBox = h("div", { class: "chart", "data-chart": "compare-loss" });
      const accBox = h("div", { class: "chart", "data-chart": "compare-accuracy" });
      chart(lossBox, { type: "line", label: "loss overlay", title: "loss", data: { labels, datasets: sets("loss") }, options: { scales: { x: { title: { display: true, text: "epoch" } } } } });
      chart(accBox, {
        type: "line",
        label: "accuracy overlay",
        title: "accuracy",
        data: { labels, datasets: sets("accuracy") },
        options: { scales: { x: { title: { display: true, text: "epoch" } } } },
      });
      out.push(panel("Training curves (overlay)", h("div", { class: "grid" }, lossBox, accBox)));
    } else out.push(panel("Training curves", h("p", { class: "muted" }, "Neither version has recorded curves.")));
    const keys = [...new Set([...Object.keys(d.a.params || {}), ...Object.keys(d.b.params || {})])].sort();
    const same = (k) => JSON.stringify(d.a.params[k]) === JSON.stringify(d.b.params[k]);
    const show = (p) => (p === undefined ? "–" : typeof p === "object" && p !== null ? jsonText(p) : String(p));
    out.push(
      panel(
        "Parameters that differ",
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, h("th", {}, "param"), h("th", {}, a), h("th", {}, b))),
          h(
            "tbody",
            {},
            keys.filter((k) => !same(k)).map((k) => h("tr", {}, h("td", {}, k), h("td", {}, show(d.a.params[k])), h("td", {}, show(d.b.params[k])))),
          ),
        ),
        h("p", { class: "muted" }, `spec hash ${d.a.specHash === d.b.specHash ? "identical" : "differs"}.`),
      ),
    );
    return out;
  }

  async function viewAliases(project) {
    setCrumbs([{ text: "projects", href: "#/" }, { text: project, href: projectHref(project) }, { text: "aliases" }]);
    const d = await api(`projects/${enc(project)}/aliases`);
    if (!d.supported) return [h("h1", {}, "Aliases"), panel(null, h("p", { class: "muted" }, "This registry has no alias support."))];
    return [
      h("h1", {}, `Alias history of ${project}`),
      panel(
        `${d.totalEvents} change${d.totalEvents === 1 ? "" : "s"}, newest first`,
        h(
          "table",
          { "data-list": "alias-history" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["when", "alias", "from", "to", "by", "reason"].map((t) => h("th", {}, t)),
            ),
          ),
          h(
            "tbody",
            {},
            d.history.map((e) =>
              h(
                "tr",
                {},
                h("td", {}, when(e.at)),
                h("td", {}, h("span", { class: "badge alias" }, e.alias)),
                h("td", {}, e.from ? link(versionHref(project, e.from), e.from) : "–"),
                h("td", {}, link(versionHref(project, e.to), e.to)),
                h("td", {}, e.by),
                h("td", {}, e.reason || ""),
              ),
            ),
          ),
        ),
      ),
    ];
  }

  // ---------- router ----------

  async function route() {
    const gen = ++generation;
    destroyCharts();
    pending = [];
    errorBox.hidden = true;
    const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
    let nodes;
    try {
      if (parts.length === 0) nodes = await viewHome();
      else if (parts[0] === "p" && parts.length === 2) nodes = await viewProject(parts[1]);
      else if (parts[0] === "p" && parts[2] === "v" && parts.length === 4) nodes = await viewVersion(parts[1], parts[3]);
      else if (parts[0] === "p" && parts[2] === "d" && parts.length === 5) nodes = await viewDataset(parts[1], parts[3], parts[4]);
      else if (parts[0] === "p" && parts[2] === "compare" && parts.length === 5) nodes = await viewCompare(parts[1], parts[3], parts[4]);
      else if (parts[0] === "p" && parts[2] === "aliases" && parts.length === 3) nodes = await viewAliases(parts[1]);
      else throw new Error("No such page.");
    } catch (err) {
      if (gen !== generation) return;
      main.replaceChildren(h("p", { class: "muted" }, "Nothing to show."));
      showError(err);
      return;
    }
    if (gen !== generation) return;
    main.replaceChildren(...nodes.flat().filter(Boolean));
    drawCharts();
    document.title = `${crumbs.textContent || "mesh registry"} · mesh registry`;
    main.setAttribute("data-ready", String(gen));
  }

  api("projects?limit=1")
    .then((d) => (uriBox.textContent = d.uri))
    .catch(() => {});
  window.addEventListener("hashchange", () => route());
  route();
})();
