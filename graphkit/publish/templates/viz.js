/* graphkit viz: draws the graph embedded as JSON in #gk-data with vis-network.
 *
 * Digest text is untrusted: it is only ever put in the page with textContent, as DOM elements
 * (vis.js tooltips included) or drawn on the canvas; never parsed as HTML.
 * window.graphkit exposes the network and a few helpers for tests and the curious.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("gk-data").textContent);
  var meta = data.meta;
  var gk = (window.graphkit = { data: data, stabilized: false, stabilizationMs: null, focused: null });

  var FACTS = [
    ["description", "Description"],
    ["change", "Change"],
    ["horizon", "10-year horizon"],
    ["driving_force", "Driving force"]
  ];

  function byId(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  function shorten(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  function fold(text) {
    return String(text).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  // A link that opens elsewhere, from a URL already checked by safeUrl.
  function outLink(url, text) {
    var a = el("a", null, text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function communityLabel(c) {
    for (var i = 0; i < data.communities.length; i++) {
      if (data.communities[i].id === c) return data.communities[i].label;
    }
    return c < 0 ? "no community" : "community " + c;
  }

  // -- header -------------------------------------------------------------------------------
  document.title = meta.title;
  byId("gk-title").textContent = meta.title;
  var notice = byId("gk-notice");
  meta.notice.forEach(function (line) { notice.appendChild(el("p", null, line)); });
  var sparql = safeUrl(meta.sparql);
  if (sparql) {
    // A link to the team's SPARQL endpoint (graphkit serve): followed only when clicked.
    var p = el("p", null, "Query this graph in SPARQL: ");
    var a = outLink(sparql, sparql);
    a.id = "gk-sparql";
    p.appendChild(a);
    notice.appendChild(p);
  }

  // -- nodes and edges ----------------------------------------------------------------------
  var nodesById = {};
  data.nodes.forEach(function (n) { nodesById[n.id] = n; });

  function tooltip(n) {
    var box = el("div", "gk-tip");
    box.appendChild(el("strong", null, n.label));
    box.appendChild(el("div", "gk-tip-type", n.type + (n.date ? " \u00b7 " + n.date : "") +
      (n.relevancy !== undefined ? " \u00b7 relevancy " + n.relevancy : "")));
    var f = n.facts || {};
    if (f.description) box.appendChild(el("div", "gk-tip-fact", shorten(f.description, 200)));
    box.appendChild(el("div", "gk-tip-fact", n.degree + " link" + (n.degree === 1 ? "" : "s") +
      " \u00b7 PageRank " + n.pagerank + " \u00b7 " + communityLabel(n.community)));
    return box;
  }

  var visNodes = new vis.DataSet(data.nodes.map(function (n) {
    return { id: n.id, label: shorten(n.label, 40), title: tooltip(n), value: n.value, color: n.color };
  }));
  // [from, to, weight, shared]: shared > 0 when the two nodes are linked through that many
  // articles left out of the view (dashed).
  var visEdges = new vis.DataSet(data.edges.map(function (e, i) {
    var edge = { id: i, from: e[0], to: e[1], value: e[2] };
    if (e[3]) {
      edge.dashes = true;
      edge.title = el("div", "gk-tip-fact", "share " + e[3] + " article" + (e[3] === 1 ? "" : "s") + " not shown");
    }
    return edge;
  }));

  // -- the network --------------------------------------------------------------------------
  var loading = byId("gk-loading");
  var started = performance.now();
  var options = data.options;
  var network = new vis.Network(byId("gk-graph"), { nodes: visNodes, edges: visEdges }, options);
  gk.network = network;
  gk.nodes = visNodes;
  gk.edges = visEdges;

  function done() {
    if (gk.stabilized) return;
    network.setOptions({ physics: { enabled: false } });
    gk.stabilizationMs = Math.round(performance.now() - started);
    gk.stabilized = true;
    loading.hidden = true;
    document.body.setAttribute("data-stabilized", "true");
  }
  if (options.physics && options.physics.enabled) {
    loading.textContent = "Laying out " + data.nodes.length + " nodes\u2026";
    network.on("stabilizationProgress", function (p) {
      loading.textContent = "Laying out " + data.nodes.length + " nodes\u2026 " + Math.round(100 * p.iterations / p.total) + " %";
    });
    network.once("stabilizationIterationsDone", done);
  } else {
    done();
  }

  // -- details panel ------------------------------------------------------------------------
  var panel = byId("gk-details");
  var panelBody = byId("gk-details-body");

  function fact(dl, name, value, node) {
    if (value === undefined || value === null || value === "") return;
    dl.appendChild(el("dt", null, name));
    var dd = el("dd");
    if (node) dd.appendChild(node); else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function nodeButton(n) {
    var b = el("button", "gk-link", shorten(n.label, 80));
    b.type = "button";
    b.title = n.label;
    b.addEventListener("click", function () { focusNode(n.id); });
    return b;
  }

  function showDetails(id) {
    var n = nodesById[id];
    if (!n) return;
    clear(panelBody);
    panelBody.appendChild(el("h2", "gk-node-title", n.label));
    var badge = el("span", "gk-type", n.type);
    badge.style.background = n.color;
    panelBody.appendChild(badge);
    var dl = el("dl");
    var f = n.facts || {};
    if (n.type === "article") {
      fact(dl, "Title", n.label);
      fact(dl, "Date", n.date || "undated");
      var url = safeUrl(f.url);
      if (url) {
        fact(dl, "Source", url, outLink(url, shorten(url, 70)));
      } else if (f.url) {
        fact(dl, "Source", f.url);
      }
    } else {
      if (n.date) fact(dl, "Date", n.date);
      FACTS.forEach(function (kv) { fact(dl, kv[1], f[kv[0]]); });
      var link = safeUrl(f.url);
      if (link) {
        fact(dl, "Link", link, outLink(link, shorten(link, 70)));
      }
    }
    if (n.relevancy !== undefined) fact(dl, "Relevancy", n.relevancy + " / 5");
    fact(dl, "PageRank", n.pagerank);
    fact(dl, "Community", communityLabel(n.community));
    fact(dl, "IRI", n.iri);
    panelBody.appendChild(dl);

    // Neighbours drawn here, by type; and how many the whole graph has.
    var shown = {};
    network.getConnectedNodes(id).forEach(function (m) {
      var nb = nodesById[m];
      (shown[nb.type] = shown[nb.type] || []).push(nb);
    });
    var types = Object.keys(n.neighbours || {}).concat(Object.keys(shown)).filter(function (t, i, all) {
      return all.indexOf(t) === i;
    }).sort();
    var section = el("div", "gk-neighbours");
    section.appendChild(el("h3", null, "Neighbours"));
    if (!types.length) section.appendChild(el("p", "gk-muted", "none"));
    types.forEach(function (t) {
      var list = (shown[t] || []).sort(function (x, y) { return y.value - x.value || x.id - y.id; });
      var total = (n.neighbours || {})[t] || list.length;
      section.appendChild(el("h3", null, t + " \u2014 " + list.length + " shown of " + total));
      var ul = el("ul");
      list.slice(0, 50).forEach(function (nb) {
        var li = el("li");
        li.appendChild(nodeButton(nb));
        ul.appendChild(li);
      });
      if (list.length > 50) ul.appendChild(el("li", "gk-muted", "\u2026 and " + (list.length - 50) + " more"));
      section.appendChild(ul);
    });
    panelBody.appendChild(section);
    if (n.articles && n.articles.length) {
      // The landscape draws no articles: the most central ones of this node, on demand.
      var arts = el("div", "gk-articles");
      var all = (n.neighbours || {}).article || n.articles.length;
      arts.appendChild(el("h3", null, "Articles \u2014 " + n.articles.length + " most central of " + all));
      var aul = el("ul");
      n.articles.forEach(function (a) {
        aul.appendChild(el("li", null, (a.date ? a.date + " \u2014 " : "") + a.label));
      });
      arts.appendChild(aul);
      panelBody.appendChild(arts);
    }
    panel.hidden = false;
    gk.details = id;
  }

  function hideDetails() {
    panel.hidden = true;
    gk.details = null;
  }

  byId("gk-details-close").addEventListener("click", function () {
    hideDetails();
    network.unselectAll();
  });

  network.on("click", function (params) {
    if (params.nodes.length) showDetails(params.nodes[0]);
    else hideDetails();
  });

  // -- type filters and legend -------------------------------------------------------------
  var hiddenTypes = {};

  function setTypeVisible(type, visible) {
    hiddenTypes[type] = !visible;
    var box = byId("gk-filter-" + type.replace(/[^A-Za-z0-9_-]/g, "_"));
    if (box) box.checked = visible;
    visNodes.update(data.nodes.filter(function (n) { return n.type === type; }).map(function (n) {
      return { id: n.id, hidden: !visible };
    }));
  }

  function swatch(color) {
    var s = el("span", "gk-swatch");
    s.style.background = color;
    return s;
  }

  var filterList = byId("gk-filter-list");
  data.types.forEach(function (t) {
    var li = el("li");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = "gk-filter-" + t.type.replace(/[^A-Za-z0-9_-]/g, "_");
    box.addEventListener("change", function () { setTypeVisible(t.type, box.checked); });
    var label = el("label");
    label.htmlFor = box.id;
    label.textContent = t.type;
    li.appendChild(box);
    if (meta.colorBy === "type") li.appendChild(swatch(t.color));
    li.appendChild(label);
    li.appendChild(el("span", "gk-count", t.count));
    filterList.appendChild(li);
  });

  var legendList = byId("gk-legend-list");
  if (meta.colorBy === "type") {
    byId("gk-legend").hidden = true;  // the type filters carry the colours
  } else {
    byId("gk-legend-title").textContent = "Communities";
    data.communities.slice(0, 20).forEach(function (c) {
      var li = el("li");
      li.appendChild(swatch(c.color));
      li.appendChild(el("span", null, c.label));
      li.appendChild(el("span", "gk-count", c.count));
      legendList.appendChild(li);
    });
    if (data.communities.length > 20) {
      legendList.appendChild(el("li", "gk-muted", "\u2026 and " + (data.communities.length - 20) + " smaller communities"));
    }
  }

  // -- search -------------------------------------------------------------------------------
  var input = byId("gk-search-input");
  var results = byId("gk-search-results");
  var folded = data.nodes.map(function (n) { return fold(n.label); });

  function search(query, limit) {
    var q = fold(query);
    if (!q) return [];
    var hits = [];
    data.nodes.forEach(function (n, i) {
      var f = folded[i];
      var at = f.indexOf(q);
      if (at < 0) return;
      hits.push({ node: n, rank: f === q ? 0 : at === 0 ? 1 : 2 });
    });
    hits.sort(function (a, b) { return a.rank - b.rank || b.node.value - a.node.value || a.node.id - b.node.id; });
    return hits.slice(0, limit || 12).map(function (h) { return h.node; });
  }

  function focusNode(id) {
    var n = nodesById[id];
    if (!n) return;
    if (hiddenTypes[n.type]) setTypeVisible(n.type, true);
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showDetails(id);
    gk.focused = id;
  }

  function showResults() {
    clear(results);
    search(input.value).forEach(function (n) {
      var li = el("li");
      var b = nodeButton(n);
      b.textContent = shorten(n.label, 60) + " \u00b7 " + n.type;
      b.addEventListener("click", function () { clear(results); });
      li.appendChild(b);
      results.appendChild(li);
    });
  }

  input.addEventListener("input", showResults);
  document.addEventListener("click", function (e) {
    if (!byId("gk-search").contains(e.target)) clear(results);  // a click elsewhere closes the list
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      var hit = search(input.value, 1)[0];
      if (hit) {
        focusNode(hit.id);
        clear(results);
      }
    } else if (e.key === "Escape") {
      clear(results);
    }
  });

  gk.search = search;
  gk.focusNode = focusNode;
  gk.showDetails = showDetails;
  gk.setTypeVisible = setTypeVisible;
  if (meta.center !== null && meta.center !== undefined) {
    network.selectNodes([meta.center]);
    showDetails(meta.center);
  }
})();
