// Suggestions under the search box, from /api/search. Every text is set with textContent: names stay text.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggest");
  if (!input || !list || !window.fetch) { return; }
  var timer = null, last = "", seq = 0;

  function clear() { while (list.firstChild) { list.removeChild(list.firstChild); } list.hidden = true; }

  function show(data, mine) {
    if (mine !== seq) { return; }
    clear();
    var items = (data.entities || []).slice(0, 8).map(function (e) {
      return { url: e.url, text: e.name, extra: e.type + (e.match !== "exact" && e.matched !== e.name ? " \u00b7 " + e.matched : "") };
    }).concat((data.papers || []).slice(0, 4).map(function (p) { return { url: p.url, text: p.title, extra: "Paper" }; }));
    items.forEach(function (it) {
      if (!it.url || it.url.charAt(0) !== "/") { return; }  // only this server's pages
      var li = document.createElement("li"), a = document.createElement("a"), small = document.createElement("span");
      a.setAttribute("href", it.url);
      a.textContent = it.text;
      small.className = "muted";
      small.textContent = " " + it.extra;
      a.appendChild(small);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = list.childNodes.length === 0;
  }

  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (timer) { clearTimeout(timer); }
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      if (q === last) { return; }
      last = q;
      var mine = ++seq;
      fetch("/api/search?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { entities: [], papers: [] }; })
        .then(function (d) { show(d, mine); })
        .catch(function () { clear(); });
    }, 150);
  });
  input.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { clear(); } });
  document.addEventListener("click", function (ev) { if (!list.contains(ev.target) && ev.target !== input) { clear(); } });
}());
