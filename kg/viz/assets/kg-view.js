/* kg interactive graph view.
 *
 * Mounts every element with a data-kg-view attribute: the attribute names a <script type="application/json">
 * element holding {nodes, edges, options, legend, relation_types, focus, title}. All text from the graph goes into
 * the page through textContent, option.value or canvas labels; nothing here parses HTML.
 *
 * After mounting, window.kgViews[containerId] = {network, nodes, edges, stable, stableMs, select(id), reset()}.
 */
(function () {
  "use strict";

  var views = (window.kgViews = window.kgViews || {});

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function row(parent, key, value) {
    if (value === undefined || value === null || value === "") return;
    var r = el("div", "kg-tip-row");
    r.appendChild(el("span", "kg-tip-key", key + ": "));
    r.appendChild(el("span", "kg-tip-val", value));
    parent.appendChild(r);
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function nodeTip(kg) {
    var d = el("div", "kg-tip");
    d.appendChild(el("div", "kg-tip-title", kg.name));
    d.appendChild(el("div", "kg-tip-kind", kg.kind));
    if (kg.aliases && kg.aliases.length) {
      row(d, "Aliases", kg.aliases.join(", ") + (kg.more_aliases ? " (+" + kg.more_aliases + " more)" : ""));
    }
    if (typeof kg.papers === "number") row(d, "Papers", kg.papers);
    if (typeof kg.mentions === "number") row(d, "Mentions", kg.mentions);
    if (kg.kind === "Paper") {
      row(d, "Year", kg.year);
      if (kg.authors && kg.authors.length) {
        row(d, "Authors", kg.authors.join(", ") + (kg.more_authors ? " et al." : ""));
      }
    }
    if (kg.kind === "Result") {
      row(d, "Model", kg.model);
      row(d, "Dataset", kg.dataset);
      row(d, "Task", kg.task);
      row(d, "Paper", kg.paper_title);
      if (kg.sentence) d.appendChild(el("div", "kg-tip-ev", kg.sentence));
    }
    if (kg.kind === "Repository") {
      row(d, "Host", kg.host);
      row(d, "Kind", kg.repo_kind);
    }
    row(d, "Id", kg.id);
    (kg.notes || []).forEach(function (line) {
      d.appendChild(el("div", "kg-tip-row kg-tip-note", line));
    });
    return d;
  }

  function edgeTip(kg, fromName, toName) {
    var d = el("div", "kg-tip");
    d.appendChild(el("div", "kg-tip-title", kg.type));
    d.appendChild(el("div", "kg-tip-kind", fromName + " \u2192 " + toName));
    if (kg.edge === "relation") {
      row(d, "Support", plural(kg.support, "paper"));
      row(d, "Confidence", kg.confidence);
      (kg.evidence || []).forEach(function (ev) {
        var q = el("div", "kg-tip-ev");
        q.appendChild(el("div", "kg-tip-sent", "\u201c" + ev.sentence + "\u201d"));
        q.appendChild(el("div", "kg-tip-cite", "\u2014 " + ev.title));
        d.appendChild(q);
      });
    } else if (kg.edge === "query") {
      d.appendChild(el("div", "kg-tip-row", "Pair of nodes in one query row (no graph relation joins them)."));
    }
    return d;
  }

  function part(root, name) {
    return root.querySelector('[data-kg="' + name + '"]');
  }

  function mount(root) {
    if (root.getAttribute("data-kg-mounted")) return views[root.id];
    root.setAttribute("data-kg-mounted", "1");
    var t0 = performance.now();
    var source = document.getElementById(root.getAttribute("data-kg-view"));
    var data = JSON.parse(source.textContent);
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    // Tooltips are built on hover (one element, filled with textContent) rather than as vis "title" elements for
    // every item up front, which costs seconds on large views.
    var nodeItems = data.nodes;
    var edgeItems = data.edges;
    var nodes = new vis.DataSet(nodeItems);
    var edges = new vis.DataSet(edgeItems);
    var network = new vis.Network(part(root, "canvas"), { nodes: nodes, edges: edges }, data.options);
    var state = {
      network: network, nodes: nodes, edges: edges, stable: false, stableMs: null, data: data,
      hiddenKinds: {}, hiddenRels: {}, highlighted: null
    };
    views[root.id] = state;

    function finish() {
      if (state.stable) return;
      network.setOptions({ physics: { enabled: false } });
      state.stable = true;
      state.stableMs = Math.round(performance.now() - t0);
      part(root, "overlay").hidden = true;
      root.setAttribute("data-kg-state", "stable");
    }
    network.once("stabilizationIterationsDone", finish);
    network.once("stabilized", finish);
    if (!data.options.physics || data.options.physics.enabled === false) finish();

    // -- hover tooltip --------------------------------------------------------------------------------------------
    var canvasBox = part(root, "canvas");
    var tip = el("div", "kg-tooltip");
    tip.hidden = true;
    tip.setAttribute("role", "tooltip");
    canvasBox.appendChild(tip);
    function placeTip(content, pointer) {
      tip.replaceChildren(content);
      tip.hidden = false;
      var w = canvasBox.clientWidth, h = canvasBox.clientHeight;
      var x = pointer.DOM.x + 14, y = pointer.DOM.y + 14;
      if (x + tip.offsetWidth > w) x = Math.max(0, pointer.DOM.x - tip.offsetWidth - 10);
      if (y + tip.offsetHeight > h) y = Math.max(0, pointer.DOM.y - tip.offsetHeight - 10);
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    }
    function hideTip() { tip.hidden = true; }
    network.on("hoverNode", function (p) { placeTip(nodeTip(byId[p.node].kg), p.pointer); });
    network.on("hoverEdge", function (p) {
      var e = edges.get(p.edge);
      var a = byId[e.from], b = byId[e.to];
      placeTip(edgeTip(e.kg, a ? a.kg.name : e.from, b ? b.kg.name : e.to), p.pointer);
    });
    network.on("blurNode", hideTip);
    network.on("blurEdge", hideTip);
    network.on("dragStart", hideTip);
    network.on("zoom", hideTip);
    state.tooltip = tip;

    // -- details panel ------------------------------------------------------------------------------------------
    var details = part(root, "details");
    function showNode(id) {
      var n = byId[id];
      details.replaceChildren(nodeTip(n.kg));
      var neigh = network.getConnectedNodes(id).slice().sort(function (a, b) {
        return byId[a].kg.name.localeCompare(byId[b].kg.name);
      });
      if (neigh.length) {
        details.appendChild(el("div", "kg-tip-key", "Linked to " + plural(neigh.length, "node") + ":"));
        var ul = el("ul", "kg-neigh");
        neigh.slice(0, 60).forEach(function (nid) {
          var li = el("li");
          var b = el("button", null, byId[nid].kg.name + " (" + byId[nid].kg.kind + ")");
          b.type = "button";
          b.addEventListener("click", function () { select(nid); });
          li.appendChild(b);
          ul.appendChild(li);
        });
        details.appendChild(ul);
      }
    }
    function showEdge(id) {
      var e = edges.get(id);
      var a = byId[e.from], b = byId[e.to];
      details.replaceChildren(edgeTip(e.kg, a.kg.name, b.kg.name));
    }

    // -- neighbourhood highlight (pyvis's select-menu semantics: the node and its neighbours stay in colour) --------
    // Only nodes whose state changes are updated: a DataSet update re-styles every item it touches, which is what
    // costs time on large views.
    var greyed = {};
    var GREY = { background: "rgba(200,200,200,0.45)", border: "rgba(160,160,160,0.45)" };
    function highlight(id) {
      var keep = {};
      keep[id] = true;
      network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
      var changes = [];
      data.nodes.forEach(function (n) {
        var grey = !keep[n.id];
        if (grey && !greyed[n.id]) {
          changes.push({ id: n.id, color: GREY, label: " " });
          greyed[n.id] = true;
        } else if (!grey && greyed[n.id]) {
          changes.push({ id: n.id, color: null, label: n.label });
          delete greyed[n.id];
        }
      });
      if (changes.length) nodes.update(changes);
      state.highlighted = id;
    }
    function unhighlight() {
      var changes = Object.keys(greyed).map(function (id) { return { id: id, color: null, label: byId[id].label }; });
      greyed = {};
      if (changes.length) nodes.update(changes);
      state.highlighted = null;
    }
    function select(id) {
      if (!byId[id]) return false;
      var item = nodes.get(id);
      if (item && item.hidden) return false;
      network.selectNodes([id]);
      highlight(id);
      network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
      showNode(id);
      return true;
    }
    state.select = select;

    network.on("click", function (params) {
      if (params.nodes.length) {
        highlight(params.nodes[0]);
        showNode(params.nodes[0]);
      } else if (params.edges.length) {
        unhighlight();
        showEdge(params.edges[0]);
      } else {
        unhighlight();
      }
    });

    // -- search menu ---------------------------------------------------------------------------------------------
    var search = part(root, "search");
    var results = part(root, "results");
    var haystack = data.nodes.map(function (n) {
      var words = [n.kg.name, n.kg.id].concat(n.kg.aliases || []);
      return { id: n.id, text: words.join("\u0001").toLowerCase(), label: n.kg.name + " (" + n.kg.kind + ")" };
    });
    function fillResults() {
      var q = search.value.trim().toLowerCase();
      var first = el("option", null, q ? "Matching nodes" : "Select a node");
      first.value = "";
      var opts = [first];
      var hits = haystack.filter(function (h) { return !q || h.text.indexOf(q) !== -1; });
      hits.sort(function (a, b) { return a.label.localeCompare(b.label); });
      hits.slice(0, 200).forEach(function (h) {
        var o = el("option", null, h.label);
        o.value = h.id;
        opts.push(o);
      });
      first.textContent = q ? plural(hits.length, "match") + (hits.length > 200 ? " (first 200)" : "") : "Select a node";
      results.replaceChildren.apply(results, opts);
      return hits;
    }
    search.addEventListener("input", fillResults);
    part(root, "search-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var hits = fillResults();
      if (hits.length) {
        results.value = hits[0].id;
        select(hits[0].id);
      }
    });
    results.addEventListener("change", function () {
      if (results.value) select(results.value);
    });
    fillResults();

    // -- filter menu: node types and relation types ----------------------------------------------------------------
    var nodeHidden = {}, edgeHidden = {};
    function applyFilters() {
      var nodeChanges = [], edgeChanges = [];
      data.nodes.forEach(function (n) {
        var h = !!state.hiddenKinds[n.kg.kind];
        if (h !== !!nodeHidden[n.id]) {
          nodeChanges.push({ id: n.id, hidden: h });
          nodeHidden[n.id] = h;
        }
      });
      var shownEdges = 0;
      data.edges.forEach(function (e) {
        var h = !!state.hiddenRels[e.kg.type];
        if (h !== !!edgeHidden[e.id]) {
          edgeChanges.push({ id: e.id, hidden: h });
          edgeHidden[e.id] = h;
        }
        if (!h && !nodeHidden[e.from] && !nodeHidden[e.to]) shownEdges += 1;
      });
      if (nodeChanges.length) nodes.update(nodeChanges);
      if (edgeChanges.length) edges.update(edgeChanges);
      var shownNodes = data.nodes.filter(function (n) { return !nodeHidden[n.id]; }).length;
      part(root, "count").textContent = plural(shownNodes, "node") + ", " + plural(shownEdges, "edge") + " shown";
    }
    state.applyFilters = applyFilters;
    function counts(items, key) {
      var c = {};
      items.forEach(function (x) { var k = key(x); c[k] = (c[k] || 0) + 1; });
      return c;
    }
    var kindCount = counts(data.nodes, function (n) { return n.kg.kind; });
    var legend = part(root, "legend");
    data.legend.forEach(function (entry) {
      var li = el("li");
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = entry.kind;
      box.setAttribute("data-kg-kind", entry.kind);
      box.addEventListener("change", function () {
        state.hiddenKinds[entry.kind] = !box.checked;
        applyFilters();
      });
      var sw = el("span", "kg-swatch " + entry.shape);
      sw.style.background = entry.color;
      sw.style.borderColor = entry.border;
      label.appendChild(box);
      label.appendChild(sw);
      label.appendChild(el("span", null, entry.kind));
      label.appendChild(el("span", "kg-n", kindCount[entry.kind] || 0));
      li.appendChild(label);
      legend.appendChild(li);
    });
    var relCount = counts(data.edges, function (e) { return e.kg.type; });
    var rels = part(root, "relations");
    data.relation_types.forEach(function (type) {
      var li = el("li");
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = type;
      box.setAttribute("data-kg-rel", type);
      box.addEventListener("change", function () {
        state.hiddenRels[type] = !box.checked;
        applyFilters();
      });
      label.appendChild(box);
      label.appendChild(el("span", "kg-swatch edge"));
      label.appendChild(el("span", null, type));
      label.appendChild(el("span", "kg-n", relCount[type] || 0));
      li.appendChild(label);
      rels.appendChild(li);
    });

    function reset() {
      state.hiddenKinds = {};
      state.hiddenRels = {};
      root.querySelectorAll("input[type=checkbox]").forEach(function (b) { b.checked = true; });
      search.value = "";
      fillResults();
      unhighlight();
      applyFilters();
      network.unselectAll();
      network.fit({ animation: false });
      details.replaceChildren(el("p", "kg-hint", "Click a node or an edge; hover for a summary."));
    }
    state.reset = reset;
    part(root, "reset").addEventListener("click", reset);

    if (data.focus && data.focus.length && byId[data.focus[0]]) {
      showNode(data.focus[0]);
    }
    return state;
  }

  function mountAll() {
    document.querySelectorAll("[data-kg-view]").forEach(mount);
  }

  window.kgView = { mount: mount, mountAll: mountAll, nodeTip: nodeTip, edgeTip: edgeTip };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
