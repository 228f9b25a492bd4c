/* reportgen search page: claims found through the Pagefind index of the site.
 * On every page, it does nothing unless the page has the search form; there
 * Pagefind fetches the few index chunks a query needs, never the whole index,
 * and only from this site. Results name the report and link to each matching
 * claim's permalink. */
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-reportgen-search]");
  if (!form) return;

  const config = document.getElementById("__config");
  const base = config ? JSON.parse(config.textContent).base || "." : ".";
  const root = new URL(base.replace(/\/?$/, "/"), location.href);
  const query = form.querySelector("#search-query");
  const year = form.querySelector("#search-year");
  const source = form.querySelector("#search-source");
  const sources = form.querySelector("#search-sources");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  let engine = null;
  let sourcesListed = false;
  let latest = 0;

  const pagefind = async () => {
    if (!engine) {
      engine = await import(new URL("pagefind/pagefind.js", root).href);
      await engine.options({ baseUrl: root.pathname, excerptLength: 30 });
      engine.init();
    }
    return engine;
  };

  // Pagefind's excerpts are HTML with <mark> around the matched words: keep only
  // their text and the marks, so nothing from the content can become markup.
  // The record's heading (the claim id) may open the excerpt: it is not claim text.
  const excerpt = (html, id) => {
    const parsed = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
    const out = document.createDocumentFragment();
    const first = parsed.body.firstChild.firstChild;
    if (first && first.nodeType === Node.TEXT_NODE && first.textContent.startsWith(`${id}. `)) {
      first.textContent = first.textContent.slice(id.length + 2);
    }
    parsed.body.firstChild.childNodes.forEach((node) => {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(document.createTextNode(node.textContent));
      }
    });
    return out;
  };

  const link = (path, anchor) => {
    const url = new URL(path.replace(/^\//, ""), root);
    if (anchor) url.hash = anchor;
    return url.href;
  };

  const show = (results) => {
    list.replaceChildren();
    for (const data of results) {
      const item = document.createElement("li");
      const title = document.createElement("a");
      const page = (data.meta && data.meta.url) || data.url;
      title.href = link(page);
      title.className = "search-report";
      title.textContent = (data.meta && data.meta.title) || page;
      item.append(title);
      if (data.meta && data.meta.published) item.append(` · ${data.meta.published}`);
      const claims = document.createElement("ul");
      for (const sub of (data.sub_results || []).filter((s) => s.anchor && s.anchor.id).slice(0, 4)) {
        const claim = document.createElement("li");
        const a = document.createElement("a");
        a.href = link(page, sub.anchor.id);
        a.className = "search-claim";
        a.append(excerpt(sub.excerpt, sub.anchor.id));
        claim.append(a);
        claims.append(claim);
      }
      if (claims.children.length) item.append(claims);
      list.append(item);
    }
  };

  const run = async () => {
    const ticket = ++latest;
    const params = new URLSearchParams();
    const words = query.value.trim();
    if (words) params.set("q", words);
    if (year.value) params.set("year", year.value);
    if (source.value.trim()) params.set("source", source.value.trim());
    history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
    if (!params.toString()) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const filters = {};
    if (year.value) filters.year = year.value;
    if (source.value.trim()) filters.source = source.value.trim();
    const found = await (await pagefind()).search(words || null, { filters });
    if (ticket !== latest || !found) return;
    const total = found.results.length;
    const shown = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    if (ticket !== latest) return;
    status.textContent = total
      ? `${total} report${total === 1 ? "" : "s"} match${total === 1 ? "es" : ""}${total > 10 ? "; the 10 best are shown" : ""}.`
      : "No claim matches.";
    show(shown);
  };

  // Listing every source key costs an index file of its own: only when asked for.
  source.addEventListener("focus", async () => {
    if (sourcesListed) return;
    sourcesListed = true;
    const filters = await (await pagefind()).filters();
    for (const key of Object.keys((filters && filters.source) || {}).sort()) {
      const option = document.createElement("option");
      option.value = key;
      sources.append(option);
    }
  });

  let timer = null;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  };
  query.addEventListener("input", soon);
  source.addEventListener("change", run);
  year.addEventListener("change", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });

  const given = new URLSearchParams(location.search);
  query.value = given.get("q") || "";
  year.value = given.get("year") || "";
  source.value = given.get("source") || "";
  if (given.toString()) run();
});
