"use strict";
// claimfmt's HTML view. Every string from a document is set as text (textContent), never as HTML.
(() => {
  const PAGE = 50;
  const index = JSON.parse(document.getElementById("claimfmt-index").textContent);
  const $ = (id) => document.getElementById(id);
  let model = null;
  let current = -1;
  let selected = null;
  let page = 0;
  let shown = index.map((_, n) => n);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  const tag = (text, extra) => el("span", { class: "tag" + (extra ? " " + extra : "") }, text);
  const quote = (text) => "\u201c" + text + "\u201d";
  const link = (url, text) =>
    /^https?:\/\//i.test(url || "") ? el("a", { href: url, rel: "noopener noreferrer" }, text || url) : text || url;

  // --- the corpus list -------------------------------------------------------------------------------
  function renderIndex() {
    const list = $("documents");
    list.replaceChildren();
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    for (const n of shown.slice(page * PAGE, (page + 1) * PAGE)) {
      const entry = index[n];
      const label = `${entry.title} (${entry.claims} claims${entry.issues ? `, ${entry.issues} issues` : ""})`;
      list.append(
        el("li", {}, el("button", { type: "button", "aria-current": n === current, onclick: () => open(n) }, label)),
      );
    }
    $("found").textContent = `${shown.length} of ${index.length} documents, page ${page + 1} of ${pages}`;
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
  }

  function search(words) {
    const terms = words.toLowerCase().split(/\s+/).filter(Boolean);
    shown = index.map((_, n) => n).filter((n) => terms.every((t) => index[n].find.includes(t)));
    page = 0;
    renderIndex();
  }

  // --- one document ----------------------------------------------------------------------------------
  function open(n) {
    current = n;
    selected = null;
    model = JSON.parse(document.getElementById("claimfmt-doc-" + n).textContent);
    const doc = model.document;
    const article = doc.article;
    $("title").textContent = article.title || doc.id;
    const meta = [article.publisher, article.published, article.language, article.url].filter(Boolean).join(" · ");
    $("meta").textContent = meta;
    renderText();
    renderSummary();
    renderLists();
    renderIssues();
    $("details").replaceChildren(el("p", {}, "Select a claim or a source to see its account."));
    if (index.length > 1) renderIndex();
  }

  function renderText() {
    const doc = model.document;
    const box = $("text");
    box.replaceChildren();
    box.lang = doc.article.language || "";
    const text = doc.article.text;
    if (text === null || text === undefined) {
      box.className = "withheld";
      box.append("The article's text is withheld; each claim's quotes are listed with the claim.");
      return;
    }
    box.className = "";
    const marks = model.marks.filter((m) => m.e > m.s).sort((a, b) => a.s - b.s);
    const cuts = new Set([0, text.length]);
    for (const m of marks) cuts.add(m.s).add(m.e);
    const points = [...cuts].sort((a, b) => a - b);
    const active = new Set();
    const out = document.createDocumentFragment();
    let next = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      while (next < marks.length && marks[next].s <= a) active.add(marks[next++]);
      for (const m of active) if (m.e <= a) active.delete(m);
      const piece = text.slice(a, b);
      if (!active.size) {
        out.append(piece);
        continue;
      }
      out.append(segment(piece, [...active]));
    }
    box.append(out);
  }

  function segment(piece, over) {
    const of = (kind) => [...new Set(over.filter((m) => m.kind === kind).map((m) => m.ref))];
    const claims = of("claim");
    const classes = ["seg"];
    for (const kind of ["claim", "source", "cue", "hedge"]) if (of(kind).length) classes.push("k-" + kind);
    if (claims.length > 1) classes.push("deep");
    const bad = over.filter((m) => m.bad);
    if (bad.length) classes.push("bad");
    const title = over.map((m) => `${m.kind} ${m.ref}` + (m.bad ? ` (${m.bad})` : "")).join("; ");
    return el(
      "span",
      {
        class: classes.join(" "),
        "data-claims": claims.join(" ") || null,
        "data-sources": of("source").join(" ") || null,
        "data-of": [...new Set([...of("cue"), ...of("hedge")])].join(" ") || null,
        title,
      },
      piece,
    );
  }

  function renderSummary() {
    const { summary } = model;
    const rows = (counts) => Object.entries(counts).map(([key, n]) => el("li", {}, `${key}: ${n}`));
    const share = summary.sources ? Math.round((100 * summary.anonymous_sources) / summary.sources) : 0;
    $("summary").replaceChildren(
      el("h3", {}, "Summary"),
      el("p", {}, `${model.document.claims.length} claims; ${summary.sources} sources, ` +
        `${summary.anonymous_sources} anonymous (${share}%)`),
      el("h3", {}, "Claims by state"),
      el("ul", {}, rows(summary.claims_by_state)),
      el("h3", {}, "Attributions by stance"),
      el("ul", {}, rows(summary.attributions_by_stance)),
    );
  }

  function renderLists() {
    const doc = model.document;
    $("claims-list").replaceChildren(
      el("h3", {}, "Claims"),
      ...doc.claims.map((claim) =>
        el(
          "button",
          { type: "button", class: "item", "data-claim": claim.id, onclick: () => selectClaim(claim.id) },
          tag(state(claim)),
          " ",
          claim.text,
        ),
      ),
    );
    $("sources-list").replaceChildren(
      el("h3", {}, "Sources"),
      ...doc.sources.map((source) =>
        el(
          "button",
          { type: "button", class: "item", "data-source": source.id, onclick: () => selectSource(source.id) },
          who(source.id),
        ),
      ),
    );
  }

  function renderIssues() {
    const general = model.issues.filter((i) => !i.claim && !i.source);
    $("issues").replaceChildren(
      ...(model.issues.length ? [el("h3", {}, `Validation issues (${model.issues.length})`)] : []),
      ...general.map(issueLine),
      ...(model.issues.length > general.length
        ? [el("p", {}, "Issues of a claim or source are shown when it is selected.")]
        : []),
    );
  }

  const issueLine = (issue) =>
    el("p", { class: "issue " + issue.severity }, `${issue.severity} [${issue.code}] ${issue.pointer}: ${issue.message}`);
  // The assessments that stand: those no other verification of the claim supersedes.
  const standing = (claim) => {
    const replaced = new Set((claim.verifications || []).map((v) => v.supersedes).filter(Boolean));
    return (claim.verifications || []).filter((v) => !v.id || !replaced.has(v.id));
  };
  const state = (claim) => {
    const stand = standing(claim);
    return stand.length ? stand[stand.length - 1].state : "unverified";
  };

  function source(id) {
    return model.document.sources.find((s) => s.id === id);
  }

  function who(id) {
    const s = source(id);
    if (!s) return el("span", { class: "issue" }, `unknown source ${id}`);
    const name = s.name || s.description || s.id;
    return el("span", { class: s.anonymous ? "anonymous" : "" }, name, s.anonymous ? " " : "",
      s.anonymous ? tag("anonymous") : "");
  }

  // --- selecting -------------------------------------------------------------------------------------
  function clearSelection() {
    for (const node of document.querySelectorAll(".selected, .said")) node.classList.remove("selected", "said");
    for (const node of document.querySelectorAll("[aria-pressed]")) node.removeAttribute("aria-pressed");
  }

  function selectClaim(id) {
    const claim = model.document.claims.find((c) => c.id === id);
    if (!claim) return;
    clearSelection();
    selected = id;
    const pieces = $("text").querySelectorAll(`[data-claims~="${CSS.escape(id)}"]`);
    for (const node of pieces) node.classList.add("selected");
    if (pieces.length) pieces[0].scrollIntoView({ block: "nearest" });
    const button = document.querySelector(`[data-claim="${CSS.escape(id)}"]`);
    if (button) button.setAttribute("aria-pressed", "true");
    $("details").replaceChildren(claimAccount(claim));
  }

  function claimAccount(claim) {
    const out = el("div", { class: "claim", "data-shown-claim": claim.id });
    out.append(el("h3", {}, `Claim ${claim.id}`), el("p", { dir: "auto" }, claim.text));
    const placed = new Set(model.unplaced.filter((u) => u.kind === "claim" && u.ref === claim.id).map((u) => u.part));
    const bad = new Map(model.marks.filter((m) => m.kind === "claim" && m.ref === claim.id && m.bad)
      .map((m) => [m.part, m.bad]));
    out.append(el("h3", {}, "Quotes"), el("ul", {}, claim.spans.map((span, n) =>
      el("li", { dir: "auto" }, quote(span.exact),
        span.start === null || span.start === undefined ? " (quote only)" : ` [${span.start}, ${span.end})`,
        placed.has(n) ? el("span", { class: "issue" }, " outside the text") : "",
        bad.has(n) ? el("span", { class: "issue" }, " " + bad.get(n)) : ""))));
    out.append(el("h3", {}, "Attributions"));
    if (!claim.attributions.length) out.append(el("p", {}, "In the article's own voice."));
    out.append(el("ul", { class: "attributions" }, claim.attributions.map(attribution)));
    const stands = new Set(standing(claim));
    out.append(el("h3", {}, "Verification"));
    if (!(claim.verifications || []).length) out.append(el("p", {}, tag("unverified"), " not assessed"));
    for (const v of claim.verifications || []) out.append(verification(v, stands.has(v)));
    const relations = (model.document.relations || []).filter((r) => r.from === claim.id || r.to === claim.id);
    if (relations.length) {
      out.append(el("h3", {}, "Relations"), el("ul", {}, relations.map((r) => {
        const other = r.from === claim.id ? r.to : r.from;
        const words = r.from === claim.id ? `${r.type} ` : `is the object of ${r.type} from `;
        return el("li", {}, words, el("button", { type: "button", onclick: () => selectClaim(other) }, other));
      })));
    }
    const issues = model.issues.filter((i) => i.claim === claim.id);
    if (issues.length) out.append(el("h3", {}, "Issues"), ...issues.map(issueLine));
    return out;
  }

  function attribution(a) {
    const s = source(a.source);
    const facts = [];
    if (s) facts.push(s.kind, s.role, s.affiliation);
    return el("li", { class: "attribution" },
      tag(a.stance), " ", who(a.source),
      facts.filter(Boolean).length ? ` (${facts.filter(Boolean).join(", ")})` : "",
      el("dl", {},
        a.commitment ? [el("dt", {}, "commitment"), el("dd", {}, a.commitment)] : null,
        a.mode ? [el("dt", {}, "mode"), el("dd", {}, a.mode)] : null,
        a.cue ? [el("dt", {}, "cue"), el("dd", { dir: "auto" }, quote(a.cue.exact))] : null,
        a.content && a.content.length
          ? [el("dt", {}, "content"), el("dd", { dir: "auto" }, a.content.map((s) => [quote(s.exact), " "]))]
          : null,
        a.via && a.via.length
          ? [el("dt", {}, "via"), el("dd", {}, a.via.flatMap((v, n) => [n ? " \u2192 " : "", who(v.source),
            v.cue ? [" ", quote(v.cue.exact)] : "", v.stance ? [" ", tag(v.stance)] : ""]))]
          : null,
        a.channel ? [el("dt", {}, "channel"), el("dd", {}, a.channel)] : null,
        a.hedges && a.hedges.length
          ? [el("dt", {}, "hedges"), el("dd", { dir: "auto" }, a.hedges.map((h) => [tag(h.kind), quote(h.text), " "]))]
          : null));
  }

  function verification(v, stands) {
    const verdict = v.verdict;
    const rating = verdict && verdict.value !== undefined
      ? ` (${verdict.value}${verdict.best !== undefined ? ` of ${verdict.worst ?? "?"}\u2013${verdict.best}` : ""})`
      : "";
    const out = el("dl", { class: "verification" + (stands ? "" : " superseded") },
      el("dt", {}, "state"), el("dd", {}, tag(v.state), stands ? "" : " (superseded)"),
      v.supersedes ? [el("dt", {}, "revises"), el("dd", {}, v.supersedes)] : null,
      verdict ? [el("dt", {}, "verdict"), el("dd", {}, quote(verdict.label), rating,
        verdict.scheme ? [" ", link(verdict.scheme, verdict.scheme)] : "")] : null,
      v.assessed_by || v.assessed_at
        ? [el("dt", {}, "assessed"), el("dd", {}, [v.assessed_by, v.assessed_at].filter(Boolean).join(", "))] : null,
      v.review_url ? [el("dt", {}, "review"), el("dd", {}, link(v.review_url))] : null,
      v.rationale ? [el("dt", {}, "rationale"), el("dd", { dir: "auto" }, v.rationale)] : null,
      v.evidence && v.evidence.length ? [el("dt", {}, "evidence"), el("dd", {}, el("ul", {}, v.evidence.map((e) =>
        el("li", {}, e.stance ? tag(e.stance) : "", " ", e.url ? link(e.url, e.title || e.url) : e.title || "",
          e.quote ? [" ", quote(e.quote)] : "", e.locator ? ` (${e.locator.page})` : ""))))] : null);
    return out;
  }

  function selectSource(id) {
    clearSelection();
    selected = null;
    for (const node of $("text").querySelectorAll(`[data-sources~="${CSS.escape(id)}"]`)) node.classList.add("said");
    const button = document.querySelector(`[data-source="${CSS.escape(id)}"]`);
    if (button) button.setAttribute("aria-pressed", "true");
    const s = source(id);
    const said = model.document.claims.flatMap((claim) =>
      claim.attributions.filter((a) => a.source === id || (a.via || []).some((v) => v.source === id))
        .map((a) => [claim, a]));
    const out = el("div", { class: "source", "data-shown-source": id },
      el("h3", {}, "Source ", who(id)),
      el("dl", {},
        ["kind", "role", "affiliation", "description"].filter((k) => s[k]).map((k) => [el("dt", {}, k), el("dd", {}, s[k])])),
      el("h3", {}, `What it says (${said.length})`),
      el("ul", {}, said.map(([claim, a]) => el("li", {}, tag(a.source === id ? a.stance : "passes on"), " ",
        el("button", { type: "button", onclick: () => selectClaim(claim.id) }, claim.id), " ", claim.text))));
    const issues = model.issues.filter((i) => i.source === id);
    if (issues.length) out.append(el("h3", {}, "Issues"), ...issues.map(issueLine));
    $("details").replaceChildren(out);
  }

  // --- events ----------------------------------------------------------------------------------------
  $("text").addEventListener("click", (event) => {
    const piece = event.target.closest(".seg");
    if (!piece) return;
    const claims = (piece.dataset.claims || piece.dataset.of || "").split(" ").filter(Boolean);
    if (claims.length) {
      // Of several claims over one place, the next after the one selected: clicking again cycles.
      const at = claims.indexOf(selected);
      selectClaim(claims[(at + 1) % claims.length]);
    } else if (piece.dataset.sources) {
      selectSource(piece.dataset.sources.split(" ")[0]);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement) return;
    const claims = model ? model.document.claims : [];
    const at = claims.findIndex((c) => c.id === selected);
    if (event.key === "j" && claims.length) selectClaim(claims[Math.min(at + 1, claims.length - 1)].id);
    else if (event.key === "k" && claims.length) selectClaim(claims[Math.max(at - 1, 0)].id);
    else if (event.key === "Escape") {
      clearSelection();
      selected = null;
    } else if (event.key === "/" && index.length > 1) {
      event.preventDefault();
      $("search").focus();
    }
  });
  $("search").addEventListener("input", (event) => search(event.target.value));
  $("prev").addEventListener("click", () => { page -= 1; renderIndex(); });
  $("next").addEventListener("click", () => { page += 1; renderIndex(); });

  if (index.length > 1) {
    $("corpus").hidden = false;
    renderIndex();
  }
  if (index.length) open(0);
  else $("details").textContent = "No documents.";
})();
