/* Communes autocomplete: turns <select data-communes-search="URL"> into an ARIA 1.2 combobox
   (an input and a listbox, keyboard: Down/Up to move, Enter to choose, Escape to close),
   fed by the territory's /communes/search?q= endpoint. The select stays in the form,
   hidden, and carries the chosen INSEE code; without JavaScript it is the field itself. */
(function () {
  "use strict";

  var DELAY = 150;

  function enhance(select, index) {
    var field = select.parentNode;
    var label = document.querySelector('label[for="' + select.id + '"]');
    var wrapper = document.createElement("div");
    var input = document.createElement("input");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var listId = select.id + "-listbox";
    var results = [];
    var active = -1;
    var timer = null;
    var request = 0;

    wrapper.className = "commune-combobox";
    input.type = "text";
    input.id = select.id + "-combobox";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    ["aria-describedby", "aria-invalid", "required"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });
    list.id = listId;
    list.setAttribute("role", "listbox");
    if (label) {
      label.id = label.id || select.id + "-label";
      label.setAttribute("for", input.id);
      list.setAttribute("aria-labelledby", label.id);
    }
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.id = select.id + "-status";

    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) { input.value = chosen.text; }

    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    field.insertBefore(wrapper, select);
    field.insertBefore(status, select);

    function message(count) {
      if (count === 0) { return select.dataset.communesNone || "No commune found"; }
      if (count === 1) { return select.dataset.communesOne || "1 commune found"; }
      return (select.dataset.communesMany || "{count} communes found").replace("{count}", count);
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(position) {
      var options = list.children;
      if (!options.length) { return; }
      active = (position + options.length) % options.length;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({block: "nearest"});
    }

    function choose(position) {
      var result = results[position];
      if (!result) { return; }
      select.value = result.code;
      input.value = result.label;
      close();
      select.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = result.label;
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); input.focus(); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = message(found.length);
    }

    function locally(query) {
      // The select's own options: used when the endpoint does not answer.
      var words = query.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/[^a-z0-9]+/);
      var found = [];
      for (var i = 0; i < select.options.length && found.length < 20; i++) {
        var option = select.options[i];
        var text = option.text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
        if (option.value && words.every(function (word) { return text.indexOf(word) !== -1; })) {
          found.push({code: option.value, label: option.text});
        }
      }
      return found;
    }

    function lookup() {
      var query = input.value.trim();
      var mine = ++request;
      if (!query) { show([]); status.textContent = ""; close(); return; }
      var url = select.dataset.communesSearch + "?q=" + encodeURIComponent(query);
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (data) { if (mine === request) { show(data.results || []); } })
        .catch(function () { if (mine === request) { show(locally(query)); } });
    }

    input.addEventListener("input", function () {
      select.value = "";
      clearTimeout(timer);
      timer = setTimeout(lookup, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open && results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        else if (!open) { lookup(); return; }
        highlight(event.altKey ? Math.max(active, 0) : active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) { highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; select.value = ""; }
      } else if (event.key === "Tab" && open && active >= 0) {
        choose(active);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function start() {
    var selects = document.querySelectorAll("select[data-communes-search]");
    for (var i = 0; i < selects.length; i++) { enhance(selects[i], i); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
