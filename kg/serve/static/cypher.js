// The Cypher console: posts {query, parameters} to /cypher and shows the rows; every value is set as text.
(function () {
  "use strict";
  var form = document.getElementById("cypher-form");
  if (!form || !window.fetch) { return; }
  var err = document.getElementById("cypher-error"), count = document.getElementById("cypher-count");
  var table = document.getElementById("cypher-rows");

  function cell(tag, value) {
    var c = document.createElement(tag);
    c.textContent = value === null || value === undefined ? "" :
      (typeof value === "object" ? JSON.stringify(value) : String(value));
    return c;
  }

  function fail(message) {
    err.textContent = message;
    err.hidden = false;
    table.hidden = true;
    count.textContent = "";
  }

  function show(doc) {
    var head = table.tHead, body = table.tBodies[0];
    while (head.firstChild) { head.removeChild(head.firstChild); }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    var tr = document.createElement("tr");
    doc.columns.forEach(function (c) { tr.appendChild(cell("th", c)); });
    head.appendChild(tr);
    doc.rows.forEach(function (row) {
      var r = document.createElement("tr");
      doc.columns.forEach(function (c) { r.appendChild(cell("td", row[c])); });
      body.appendChild(r);
    });
    err.hidden = true;
    table.hidden = false;
    count.textContent = doc.rows.length + (doc.rows.length === 1 ? " row" : " rows") +
      (doc.truncated ? ", cut at the server's row limit" : "") + ".";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var params;
    try {
      params = JSON.parse(document.getElementById("cypher-params").value || "{}");
    } catch (e) {
      fail("The parameters are not JSON: " + e.message);
      return;
    }
    fetch("/cypher", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ query: document.getElementById("cypher-query").value, parameters: params })
    }).then(function (r) {
      return r.json().then(function (doc) { return { ok: r.ok, doc: doc }; });
    }).then(function (res) {
      if (res.ok) { show(res.doc); } else { fail(res.doc.error || "The query failed."); }
    }).catch(function (e) { fail("The server did not answer: " + e); });
  });
}());
