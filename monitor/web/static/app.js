// Arcwatch: small progressive keyboard layer. Every action also works without JavaScript (plain forms).
(function () {
  "use strict";

  // Keys typed into a field (or with a modifier) belong to the field, not to the shortcuts.
  function typing(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return true;
    var t = event.target;
    if (!t || !t.tagName) return false;
    if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return true;
    return event.key === "Enter" && /^(A|BUTTON)$/.test(t.tagName);
  }

  function focusSearch(event) {
    var box = document.getElementById("search-box");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  }

  // --- the queue ------------------------------------------------------------------------------
  function setupQueue() {
    var table = document.getElementById("queue");
    var rows = table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr")) : [];
    var dialog = document.getElementById("resolve-dialog");
    var current = -1;

    function select(index) {
      if (!rows.length) return;
      index = Math.max(0, Math.min(rows.length - 1, index));
      if (current >= 0 && rows[current]) {
        rows[current].classList.remove("selected");
        rows[current].removeAttribute("aria-selected");
      }
      current = index;
      rows[current].classList.add("selected");
      rows[current].setAttribute("aria-selected", "true");
      rows[current].scrollIntoView({ block: "nearest" });
      try { sessionStorage.setItem("arcwatch.selected", rows[current].dataset.id); } catch (e) { /* private mode */ }
    }

    function row() { return current >= 0 ? rows[current] : null; }

    function openResolve(id) {
      if (!dialog) return;
      var form = document.getElementById("resolve-dialog-form");
      form.action = form.dataset.actionTemplate.replace("ID", encodeURIComponent(id));
      document.getElementById("resolve-alert-id").textContent = "#" + id;
      dialog.showModal();
      document.getElementById("resolve-reason").focus();
    }

    if (dialog) {
      var form = document.getElementById("resolve-dialog-form");
      var reason = document.getElementById("resolve-reason");
      document.getElementById("resolve-cancel").addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("keydown", function (event) {
        if (event.target.tagName === "TEXTAREA") return;
        if (/^[1-9]$/.test(event.key) && Number(event.key) <= reason.options.length) {
          event.preventDefault();
          reason.selectedIndex = Number(event.key) - 1;
        } else if (event.key === "Enter") {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    }

    rows.forEach(function (tr, i) {
      tr.addEventListener("click", function (event) {
        if (event.target.closest("a, button, form")) return;
        select(i);
      });
      tr.addEventListener("dblclick", function (event) {
        if (!event.target.closest("a, button, form")) window.location = tr.dataset.href;
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".resolve-open"), function (link) {
      link.addEventListener("click", function (event) {
        if (!dialog) return;
        event.preventDefault();
        openResolve(link.dataset.id);
      });
    });

    var remembered = null;
    try { remembered = sessionStorage.getItem("arcwatch.selected"); } catch (e) { /* private mode */ }
    var start = rows.findIndex(function (tr) { return tr.dataset.id === remembered; });
    if (rows.length) select(start >= 0 ? start : 0);

    document.addEventListener("keydown", function (event) {
      if ((dialog && dialog.open) || typing(event)) return;
      var r = row();
      switch (event.key) {
        case "j": case "ArrowDown": event.preventDefault(); select(current + 1); break;
        case "k": case "ArrowUp": event.preventDefault(); select(current - 1); break;
        case "Enter": case "o": if (r) { event.preventDefault(); window.location = r.dataset.href; } break;
        case "c": {
          var claim = r && r.querySelector(".claim-form");
          var button = claim && claim.querySelector("button");
          if (claim && !button.disabled) { event.preventDefault(); claim.requestSubmit(); }
          break;
        }
        case "r": if (r && r.querySelector(".resolve-open")) { event.preventDefault(); openResolve(r.dataset.id); } break;
        case "/": focusSearch(event); break;
      }
    });
  }

  // --- an alert's page ------------------------------------------------------------------------
  function setupAlert() {
    document.addEventListener("keydown", function (event) {
      if (typing(event)) return;
      var el;
      switch (event.key) {
        case "c":
          el = document.getElementById("claim-form");
          if (el) { event.preventDefault(); el.requestSubmit(); }
          break;
        case "r":
          el = document.getElementById("reason");
          if (el) { event.preventDefault(); el.scrollIntoView({ block: "center" }); el.focus(); }
          break;
        case "n":
          el = document.getElementById("note-text");
          if (el) { event.preventDefault(); el.focus(); }
          break;
        case "u": window.location = "/"; break;
        case "/": focusSearch(event); break;
      }
    });
    // Enter on the reason list resolves, so c, r, arrow keys, Enter works without the mouse.
    var reason = document.getElementById("reason");
    if (reason) {
      reason.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); reason.form.requestSubmit(); }
      });
    }
  }

  function setupOther() {
    document.addEventListener("keydown", function (event) {
      if (!typing(event) && event.key === "/") focusSearch(event);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.dataset.page;
    if (page === "queue") setupQueue();
    else if (page === "alert") setupAlert();
    else if (page !== "login") setupOther();
  });
})();
