/* The phone's outbox: a report or screening form sent while the phone has no network is kept
   on the phone (localStorage) with the time it was filled in, and sent by itself when the
   network is back. The server takes each form once (its one-time token and the report's
   idempotency key), so sending again after a lost answer never counts twice. */
(function () {
  "use strict";
  var KEY = "linli-outbox";
  var FAILED = "linli-outbox-failed";
  var sending = false;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function write(key, items) { localStorage.setItem(key, JSON.stringify(items)); }

  function show() {
    var box = document.getElementById("outbox");
    if (!box) { return; }
    var waiting = read(KEY).length;
    var failed = read(FAILED);
    box.querySelector("[data-waiting]").hidden = waiting === 0;
    box.querySelector("[data-waiting-count]").textContent = String(waiting);
    var list = box.querySelector("[data-failed]");
    list.hidden = failed.length === 0;
    var items = list.querySelector("ul");
    items.textContent = "";
    failed.forEach(function (f) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = f.url;
      a.textContent = f.label || f.url;
      li.appendChild(a);
      items.appendChild(li);
    });
    box.hidden = waiting === 0 && failed.length === 0;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline")) { return; }
    if (navigator.onLine) { return; }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) {
      body.set(event.submitter.name, event.submitter.value);
    }
    body.set("recorded_at", new Date().toISOString());
    var items = read(KEY);
    items.push({
      url: form.getAttribute("action") || location.pathname + location.search,
      body: body.toString(),
      label: form.getAttribute("data-offline") || document.title
    });
    write(KEY, items);
    show();
    var saved = document.getElementById("outbox-saved");
    if (saved) { saved.hidden = false; }
    window.scrollTo(0, 0);
  });

  function flush() {
    if (sending || !navigator.onLine) { return; }
    var items = read(KEY);
    if (!items.length) { show(); return; }
    sending = true;
    var item = items[0];
    fetch(item.url, {
      method: "POST",
      body: item.body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      var rest = read(KEY).slice(1);
      if (!response.ok) {
        // Refused as it stood (a closed round, a member moved away): the worker opens it again.
        var failed = read(FAILED);
        failed.push({ url: item.url, label: item.label });
        write(FAILED, failed);
      }
      write(KEY, rest);
      sending = false;
      show();
      flush();
    }).catch(function () {
      sending = false;  // still no network: try again when the phone says it is back
      show();
    });
  }

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", function () {
    var clear = document.querySelector("#outbox [data-clear-failed]");
    if (clear) {
      clear.addEventListener("click", function () { write(FAILED, []); show(); });
    }
    show();
    flush();
  });
})();
